#!/usr/bin/env python3
"""Validate a JSON or YAML document against a JSON schema (the `jsonschema` library picks the draft).

usage: validate-json.py SCHEMA DOCUMENT   -> exit 0 valid, 1 invalid (errors printed), 2 unusable input
"""
import json, sys

def main():
    if len(sys.argv) != 3:
        print(__doc__, file=sys.stderr)
        return 2
    try:
        import jsonschema
    except ImportError:
        print("error: python3 module 'jsonschema' is missing (apt-get install python3-jsonschema)", file=sys.stderr)
        return 2
    with open(sys.argv[1]) as f:
        schema = json.load(f)
    with open(sys.argv[2]) as f:
        if sys.argv[2].endswith((".yaml", ".yml")):
            import yaml
            document = yaml.safe_load(f)
        else:
            document = json.load(f)
    validator = jsonschema.validators.validator_for(schema)
    validator.check_schema(schema)
    errors = sorted(validator(schema).iter_errors(document), key=lambda e: list(map(str, e.absolute_path)))
    for error in errors[:20]:
        print(f"{'/'.join(map(str, error.absolute_path)) or '(root)'}: {error.message}")
    return 1 if errors else 0

if __name__ == "__main__":
    sys.exit(main())
