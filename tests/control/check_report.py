#!/usr/bin/env python3
"""check_report.py HTML JSON MIGRATIONS RANKS PES — checks a mosexec --report against its run
(tests/control/control_test.sh, mode report): the page is well-formed HTML (every element closed
in order, nothing fetched from outside), its pictures are there (a load strip per PE, one arrow
per migration, a PES x PES heat map), and the JSON, which the page also embeds, says what the run
did (the migration count, the job's shape, traffic between the PEs). Prints what it checked;
exit status 1 with a "report:" line on the first mismatch."""
import html.parser
import json
import sys

VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}


def fail(why):
    print("report: " + why)
    sys.exit(1)


class Strict(html.parser.HTMLParser):
    """Tag balance, strictly: every non-void element closed, in order."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.stack, self.counts, self.classes, self.ids, self.script = [], {}, {}, {}, None
        self.external = []

    def handle_starttag(self, tag, attrs):
        self.count(tag, attrs)
        if tag not in VOID:
            self.stack.append((tag, self.getpos()))

    def handle_startendtag(self, tag, attrs):
        self.count(tag, attrs)

    def count(self, tag, attrs):
        a = dict(attrs)
        self.counts[tag] = self.counts.get(tag, 0) + 1
        for c in (a.get("class") or "").split():
            self.classes[c] = self.classes.get(c, 0) + 1
        if "id" in a:
            self.ids[a["id"]] = tag
        for key in ("src", "href"):
            if a.get(key) and not a[key].startswith("#"):
                self.external.append(a[key])
        if tag == "script" and a.get("id") == "mosix-report":
            self.script = ""

    def handle_endtag(self, tag):
        if tag in VOID:
            return
        if not self.stack:
            fail("</%s> at line %d closes nothing" % (tag, self.getpos()[0]))
        top, pos = self.stack.pop()
        if top != tag:
            fail("</%s> at line %d closes <%s> of line %d" % (tag, self.getpos()[0], top, pos[0]))

    def handle_data(self, data):
        if self.script is not None and self.stack and self.stack[-1][0] == "script":
            self.script += data


html_path, json_path, migrations, ranks, pes = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4]), int(sys.argv[5])
text = open(html_path, encoding="utf-8").read()
if not text.startswith("<!DOCTYPE html>"):
    fail("the page does not start with <!DOCTYPE html>")
p = Strict()
p.feed(text)
p.close()
if p.stack:
    fail("unclosed elements: " + ", ".join("<%s> of line %d" % (t, pos[0]) for t, pos in p.stack))
if p.external:
    fail("the page refers to outside resources: %s" % p.external)
print("html: well-formed, %d elements, self-contained" % sum(p.counts.values()))

r = json.load(open(json_path))
if p.script is None or json.loads(p.script.replace("<\\/", "</")) != r:
    fail("the page's embedded data differ from the JSON file")
job = r["job"]
if job["ranks"] != ranks or job["pes"] != pes:
    fail("job %s, expected %d ranks on %d PEs" % (job, ranks, pes))
if r["migration_count"] != migrations or len(r["migrations"]) != migrations:
    fail("migration_count %d and %d migrations listed, expected %d" % (r["migration_count"], len(r["migrations"]), migrations))
for m in r["migrations"]:
    if (m["rank"], m["from"], m["to"]) != (3, 0, 1) or m["bytes"] <= 0 or not 0 <= m["t"] <= job["duration"]:
        fail("unexpected migration %s (the run moved rank 3 from PE 0 to PE 1)" % m)
print("json: %d ranks on %d PEs, %.2f s, migration_count %d" % (ranks, pes, job["duration"], r["migration_count"]))

t = r["timeline"]
if not t["t"] or any(len(row) != pes for row in t["load"]) or len(t["load"]) != len(t["t"]):
    fail("the timeline has no samples, or not one load per PE in each")
matrix = r["traffic"]["bytes"]
if len(matrix) != pes or any(len(row) != pes for row in matrix):
    fail("the traffic matrix is not %d x %d" % (pes, pes))
if any(matrix[i][j] == 0 for i in range(pes) for j in range(pes) if i != j):
    fail("no bytes between two PEs of an allreducing job: %s" % matrix)
print("traffic: %s bytes, %s messages" % (matrix, r["traffic"]["messages"]))

# The pictures: two SVGs, a strip per PE, an arrow per migration, a cell per pair of PEs.
if p.counts.get("svg", 0) != 2:
    fail("%d pictures (svg), expected 2" % p.counts.get("svg", 0))
if p.classes.get("pe", 0) != pes:
    fail("%d load strips, expected %d" % (p.classes.get("pe", 0), pes))
if p.classes.get("migration", 0) != migrations:
    fail("%d migration arrows, expected %d" % (p.classes.get("migration", 0), migrations))
if p.classes.get("cell", 0) != pes * pes:
    fail("%d heat map cells, expected %d" % (p.classes.get("cell", 0), pes * pes))
shown = text.split('<td id="migration-count">', 1)[1].split("<", 1)[0]
if shown != str(migrations):
    fail("the page shows %s migrations, expected %d" % (shown, migrations))
print("pictures: %d load strips, %d migration arrows, %d heat map cells; page says %s migrations"
      % (pes, migrations, pes * pes, shown))
