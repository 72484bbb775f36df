#!/usr/bin/env python3
"""Writes tests/data/agent/smollm2/: 50 JSON Schemas (NN_name.json) and their prompts
(prompts.tsv: file, token budget, prompt), checked by tests/test_agent.c with
SmolLM2-135M-Instruct: every greedy constrained output must parse and validate.
Hand-written cases (flat objects, nested objects, arrays, enums, formats, patterns,
anyOf/oneOf, $ref, tool-call envelopes); every string has a maxLength, an enum, a
format or a pattern and every array a maxItems, so each answer ends within its budget.
Run from the repository root: python3 tests/ref/agent_smollm2_cases.py"""
import json, os

S = lambda n=32, **kw: dict({"type": "string", "maxLength": n}, **kw)
I = lambda lo=None, hi=None: dict({"type": "integer"}, **({"minimum": lo} if lo is not None else {}), **({"maximum": hi} if hi is not None else {}))
N = {"type": "number", "minimum": -1000000, "maximum": 1000000}
B = {"type": "boolean"}
def obj(props, req=None, extra=False):
    return {"type": "object", "properties": props, "required": list(props) if req is None else req,
            "additionalProperties": extra}
def arr(items, lo=0, hi=4):
    return {"type": "array", "items": items, "minItems": lo, "maxItems": hi}
def enum(*v): return {"enum": list(v)}
def tool(name_enum, args_by_name):
    return {"anyOf": [obj({"name": {"const": n}, "arguments": a}) for n, a in zip(name_enum, args_by_name)]}

cases = [
 ("person", "Describe a person who lives in Paris as JSON with name, age and city.",
  obj({"name": S(), "age": I(0, 130), "city": S()})),
 ("book", "Give a famous book as JSON: title, author, year.",
  obj({"title": S(48), "author": S(), "year": I(1000, 2030)})),
 ("movie", "Recommend one movie as JSON with title, year and rating out of 10.",
  obj({"title": S(48), "year": I(1900, 2030), "rating": {"type": "number", "minimum": 0, "maximum": 10}})),
 ("city", "Give facts about Tokyo as JSON: name, country, population.",
  obj({"name": S(), "country": S(), "population": I(0, 100000000)})),
 ("product", "Describe a laptop for sale as JSON: name, price in dollars, in_stock.",
  obj({"name": S(), "price": N, "in_stock": B})),
 ("color_enum", "What color is the sky on a clear day? Answer as JSON.",
  obj({"color": enum("red", "green", "blue", "yellow", "black", "white")})),
 ("sentiment", "Classify the sentiment of 'I love this phone, it is great!' as JSON.",
  obj({"sentiment": enum("positive", "negative", "neutral"), "confidence": {"type": "number", "minimum": 0, "maximum": 1}})),
 ("yes_no", "Is water wet? Reply as JSON with answer and a short reason.",
  obj({"answer": enum("yes", "no"), "reason": S(60)})),
 ("weather", "Report the weather in London as JSON: city, temperature in celsius, condition.",
  obj({"city": S(), "temperature": I(-50, 60), "condition": enum("sunny", "cloudy", "rainy", "snowy", "windy")})),
 ("contact", "Create a contact card as JSON with name, email and phone.",
  obj({"name": S(), "email": S(48), "phone": S(20)})),
 ("date_event", "Give a historical event as JSON with name and date (YYYY-MM-DD).",
  obj({"event": S(48), "date": {"type": "string", "format": "date"}})),
 ("uuid_item", "Create an inventory item as JSON with an id (a UUID), a name and a quantity.",
  obj({"id": {"type": "string", "format": "uuid"}, "name": S(), "quantity": I(0, 1000)})),
 ("meeting", "Schedule a meeting as JSON with title, date-time and duration in minutes.",
  obj({"title": S(40), "start": {"type": "string", "format": "date-time"}, "minutes": I(5, 480)})),
 ("alarm", "Set an alarm as JSON with a time (HH:MM:SS) and a label.",
  obj({"time": {"type": "string", "format": "time"}, "label": S(24)})),
 ("zip_code", "Give a US address as JSON: street, city and a 5-digit zip code.",
  obj({"street": S(40), "city": S(), "zip": {"type": "string", "pattern": "^[0-9]{5}$"}})),
 ("hex_color", "Give the hex code of the color red as JSON.",
  obj({"name": S(16), "hex": {"type": "string", "pattern": "^#[0-9a-fA-F]{6}$"}})),
 ("shopping_list", "Write a shopping list of three fruits as JSON.",
  obj({"items": arr(S(20), 1, 3)})),
 ("numbers", "List the first five prime numbers as JSON.",
  obj({"primes": arr(I(0, 1000), 1, 5)})),
 ("tags", "Suggest tags for a blog post about cooking pasta, as JSON.",
  obj({"title": S(48), "tags": arr(S(16), 1, 4)})),
 ("todo", "Make a to-do list of two tasks as JSON, each with a task and done flag.",
  obj({"todos": arr(obj({"task": S(40), "done": B}), 1, 3)})),
 ("recipe", "Give a simple recipe as JSON with name, ingredients and minutes.",
  obj({"name": S(), "ingredients": arr(S(24), 1, 4), "minutes": I(1, 600)})),
 ("address_nested", "Describe a company as JSON with name and an address (street, city, country).",
  obj({"name": S(), "address": obj({"street": S(40), "city": S(), "country": S(24)})})),
 ("user_profile", "Create a user profile as JSON: username, age, and settings with theme and notifications.",
  obj({"username": S(24), "age": I(13, 120), "settings": obj({"theme": enum("light", "dark"), "notifications": B})})),
 ("order", "Create an order as JSON with an order id, customer name, and up to 2 line items with product and quantity.",
  obj({"order_id": I(1, 999999), "customer": S(), "lines": arr(obj({"product": S(24), "quantity": I(1, 100)}), 1, 2)})),
 ("team", "Describe a small software team as JSON: team name and up to 3 members with name and role.",
  obj({"team": S(), "members": arr(obj({"name": S(24), "role": enum("developer", "designer", "manager", "tester")}), 1, 3)})),
 ("point", "Give the coordinates of a point as JSON with x and y.",
  obj({"x": N, "y": N})),
 ("geo", "Give the latitude and longitude of Paris as JSON.",
  obj({"latitude": {"type": "number", "minimum": -90, "maximum": 90}, "longitude": {"type": "number", "minimum": -180, "maximum": 180}})),
 ("matrix", "Write a 2x2 identity matrix as JSON.",
  obj({"rows": arr(arr(I(-10, 10), 2, 2), 2, 2)})),
 ("tuple", "Give a person's name and age as a JSON array [name, age].",
  {"type": "array", "prefixItems": [S(), I(0, 130)], "items": False, "minItems": 2}),
 ("optional_fields", "Describe a pet as JSON with a name; species and age are optional.",
  obj({"name": S(24), "species": enum("dog", "cat", "bird", "fish"), "age": I(0, 40)}, req=["name"])),
 ("nullable", "Describe a car as JSON: model and nickname (null if none).",
  obj({"model": S(), "nickname": {"type": ["string", "null"], "maxLength": 24}})),
 ("any_of_id", "Give a record as JSON whose id is a number or a short code.",
  obj({"id": {"anyOf": [I(0, 100000), S(12)]}, "label": S(24)})),
 ("one_of_shape", "Describe a circle as JSON with its kind and radius.",
  {"oneOf": [obj({"kind": {"const": "circle"}, "radius": {"type": "number", "minimum": 0, "maximum": 1000}}),
             obj({"kind": {"const": "square"}, "side": {"type": "number", "minimum": 0, "maximum": 1000}})]}),
 ("ref_defs", "Describe a flight as JSON with origin and destination airports (code and city).",
  {"$defs": {"airport": obj({"code": {"type": "string", "pattern": "^[A-Z]{3}$"}, "city": S(24)})},
   "type": "object", "properties": {"origin": {"$ref": "#/$defs/airport"}, "destination": {"$ref": "#/$defs/airport"}},
   "required": ["origin", "destination"], "additionalProperties": False}),
 ("ref_tree", "Write a small family tree as JSON: a person with a name and up to two children, each with a name and children.",
  {"$defs": {"leaf": obj({"name": S(16)}),
             "child": obj({"name": S(16), "children": {"type": "array", "items": {"$ref": "#/$defs/leaf"}, "maxItems": 2}}),
             "person": obj({"name": S(16), "children": {"type": "array", "items": {"$ref": "#/$defs/child"}, "maxItems": 2}})},
   "$ref": "#/$defs/person"}),
 ("all_of", "Describe an employee as JSON with name, id and department.",
  {"allOf": [{"type": "object", "properties": {"name": S(), "id": I(1, 99999)}, "required": ["name", "id"]},
             {"type": "object", "properties": {"department": enum("sales", "engineering", "support")}, "required": ["department"]}]}),
 ("const_version", "Write a config file as JSON with version 2 and a debug flag.",
  obj({"version": {"const": 2}, "debug": B})),
 ("enum_numbers", "Rate the movie Titanic from 1 to 5 stars as JSON.",
  obj({"stars": enum(1, 2, 3, 4, 5), "comment": S(48)})),
 ("bool_flags", "Describe the features of a smartphone as JSON booleans: wifi, bluetooth, nfc.",
  obj({"wifi": B, "bluetooth": B, "nfc": B})),
 ("string_array_top", "List three programming languages as a JSON array of strings.",
  arr(S(16), 1, 3)),
 ("enum_top", "Which planet is the largest? Answer with a JSON string.",
  enum("Mercury", "Venus", "Earth", "Mars", "Jupiter", "Saturn", "Uranus", "Neptune")),
 ("integer_top", "How many legs does a spider have? Answer with a JSON number.",
  I(0, 100)),
 ("translation", "How do you say 'thank you' in French and in Spanish? Answer as JSON.",
  obj({"french": S(24), "spanish": S(24)})),
 ("qa_pair", "Write a quiz question about geography with its answer as JSON.",
  obj({"question": S(80), "answer": S(40)})),
 ("tool_weather", "Call the weather tool for Berlin. Reply with a JSON tool call.",
  tool(["get_weather"], [obj({"city": S(), "unit": enum("celsius", "fahrenheit")})])),
 ("tool_search", "Call the search tool to look up 'best pizza in Rome'. Reply with a JSON tool call.",
  tool(["search"], [obj({"query": S(60), "max_results": I(1, 10)})])),
 ("tool_choice", "Send an email to bob@example.com saying hello, using one of the tools. Reply with a JSON tool call.",
  tool(["send_email", "get_time", "calculator"],
       [obj({"to": S(40), "subject": S(40), "body": S(60)}), obj({"timezone": S(24)}), obj({"expression": S(40)})])),
 ("tool_calculator", "Use the calculator tool to compute 12 times 7. Reply with a JSON tool call.",
  tool(["calculator"], [obj({"a": N, "b": N, "op": enum("add", "sub", "mul", "div")})])),
 ("tool_envelope_generic", "Call a tool to book a table for 2 at 7pm. Reply with a JSON tool call with name and arguments.",
  obj({"name": enum("book_table", "cancel_booking"),
       "arguments": obj({"people": I(1, 20), "time": {"type": "string", "format": "time"}, "restaurant": S(32)}, req=["people", "time"])})),
 ("tool_calls_list", "Plan two tool calls as a JSON list: first get the time, then get the weather in Oslo.",
  arr({"type": "object", "properties": {"name": enum("get_time", "get_weather"), "arguments": obj({"city": S(24)}, req=[])},
       "required": ["name", "arguments"], "additionalProperties": False}, 1, 2)),
]
assert len(cases) == 50, len(cases)
out = "tests/data/agent/smollm2"
os.makedirs(out, exist_ok=True)
for f in os.listdir(out):
    os.remove(os.path.join(out, f))
with open(os.path.join(out, "prompts.tsv"), "w") as tsv:
    tsv.write("# file\ttoken budget\tprompt (tests/ref/agent_smollm2_cases.py)\n")
    for i, (name, prompt, schema) in enumerate(cases):
        fn = "%02d_%s.json" % (i + 1, name)
        with open(os.path.join(out, fn), "w") as f:
            json.dump(schema, f, indent=1)
            f.write("\n")
        tsv.write("%s\t%d\t%s\n" % (fn, 256, prompt))
print("wrote %d schemas to %s" % (len(cases), out))
