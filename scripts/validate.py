#!/usr/bin/env python3
"""Validate a document against a schema: JSON or YAML against a JSON schema (the `jsonschema` library picks the
draft), or XML against an XML schema (`.xsd`, with lxml).

usage: validate.py SCHEMA DOCUMENT   -> exit 0 valid, 1 invalid (errors printed), 2 unusable input
"""
import json, os, sys

def validate_xml(schema_path, document_path):
    try:
        from lxml import etree
    except ImportError:
        print("error: python3 module 'lxml' is missing (apt-get install python3-lxml)", file=sys.stderr)
        return 2
    schema = etree.XMLSchema(etree.parse(schema_path))
    try:
        document = etree.parse(document_path)
    except etree.XMLSyntaxError as error:
        print(f"not well-formed XML: {error}")
        return 1
    if schema.validate(document):
        return 0
    for error in list(schema.error_log)[:20]:
        print(f"line {error.line}: {error.message}")
    return 1

def load_yaml_1_2(stream):
    """PyYAML reads YAML 1.1, where `on:` is the boolean True; GitHub and GitLab read YAML 1.2, where only
    true/false are booleans. Load with 1.2 booleans so `on:` stays a key."""
    import re
    import yaml

    class Loader(yaml.SafeLoader):
        pass

    Loader.yaml_implicit_resolvers = {
        first: [r for r in resolvers if r[0] != "tag:yaml.org,2002:bool"]
        for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
    }
    Loader.add_implicit_resolver(
        "tag:yaml.org,2002:bool", re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$"), list("tTfF")
    )
    return yaml.load(stream, Loader=Loader)

def validate_json(schema_path, document_path):
    try:
        import jsonschema
    except ImportError:
        print("error: python3 module 'jsonschema' is missing (apt-get install python3-jsonschema)", file=sys.stderr)
        return 2
    with open(schema_path) as f:
        schema = json.load(f)
    with open(document_path) as f:
        if document_path.endswith((".yaml", ".yml")):
            document = load_yaml_1_2(f)
        else:
            document = json.load(f)
    validator = jsonschema.validators.validator_for(schema)
    validator.check_schema(schema)
    errors = sorted(validator(schema).iter_errors(document), key=lambda e: list(map(str, e.absolute_path)))
    for error in errors[:20]:
        print(f"{'/'.join(map(str, error.absolute_path)) or '(root)'}: {error.message}")
    return 1 if errors else 0

def main():
    if len(sys.argv) != 3:
        print(__doc__, file=sys.stderr)
        return 2
    for path in sys.argv[1:3]:
        if not os.path.isfile(path):
            print(f"error: no such file: {path} (schemas come from 'make deps')", file=sys.stderr)
            return 2
    if sys.argv[1].endswith(".xsd"):
        return validate_xml(sys.argv[1], sys.argv[2])
    return validate_json(sys.argv[1], sys.argv[2])

if __name__ == "__main__":
    sys.exit(main())
