package cli

import (
	"bytes"
	"encoding/json"
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"maps"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/lkdash/lkdash/apicheck"
	"github.com/lkdash/lkdash/hooks"
	"github.com/lkdash/lkdash/room"
	"github.com/lkdash/lkdash/standin"
)

// jsonDoc is where the JSON the CLI prints is documented, relative to cli/.
const jsonDoc = "../docs/json.md"

// The headings of doctor's two line types in docs/json.md.
const (
	doctorCheckHeading   = "### doctor `check` lines"
	doctorSummaryHeading = "### doctor `summary` line"
)

// joinEvents holds one value of every room event type. The test checks it
// against the event types declared in package room, so a new type cannot
// slip past the documentation check below.
var joinEvents = []room.Event{
	room.Connected{}, room.ParticipantJoined{}, room.ParticipantLeft{}, room.MetadataChanged{},
	room.NameChanged{}, room.AttributesChanged{}, room.TrackPublished{}, room.TrackUnpublished{},
	room.ActiveSpeakers{}, room.Reconnecting{}, room.Reconnected{}, room.Disconnected{},
	room.TokenRefreshed{}, room.TrackSubscribed{}, room.TrackUnsubscribed{}, room.TrackStats{},
	room.DataReceived{}, room.AgentDispatch{}, room.AgentJoined{}, room.AgentMissing{},
	room.TrackMuted{}, room.TrackUnmuted{}, room.TrackUpdated{}, room.PermissionsChanged{},
	room.KindChanged{}, room.ConnectionQuality{},
	room.ReconnectAttempt{}, room.DrillStarted{}, room.DrillResult{}, room.Summary{},
	room.TrackChain{}, room.RoomState{},
	room.JoinProgress{}, room.JoinFailed{},
	room.TextStreamReceived{}, room.ByteStreamProgress{}, room.ByteStreamReceived{}, room.StreamUnhandled{},
	room.TextStreamSent{}, room.ByteStreamSent{}, room.DataSent{}, room.RPCResult{}, room.RPCRequest{},
	room.AgentStateChanged{}, room.Transcription{},
	room.NodeChanged{}, room.Failover{},
}

// TestJSONDocMatchesOutput holds docs/json.md to what lkdash prints: every
// field of decode --json and fetch --json, every join event type and each
// of its fields (dotted paths for nested objects) is documented, and
// nothing documented is gone from the output.
func TestJSONDocMatchesOutput(t *testing.T) {
	doc := readJSONDoc(t)

	decode := shapeOf(t, decodeReport{})
	checkSection(t, doc, "decode --json", "## `decode --json`", decode)

	// fetch --json is the decode object plus the response's fields; only
	// those are listed in its section.
	fetch := shapeOf(t, fetchReport{})
	for p := range decode {
		delete(fetch, p)
	}
	checkSection(t, doc, "fetch --json", "## `fetch --json`", fetch)

	checkSection(t, doc, "api check --json", "## `api check --json`", shapeOf(t, apicheck.Report{}))
	checkSection(t, doc, "invite --json", "## `invite --json`", shapeOf(t, inviteReport{}))

	checkAgentLines(t, doc)

	checkSection(t, doc, "doctor --json check lines", doctorCheckHeading, shapeOf(t, doctorCheckLine{}))
	checkSection(t, doc, "doctor --json summary line", doctorSummaryHeading, shapeOf(t, doctorSummaryLine{}))

	declared := roomEventTypes(t)
	listed := map[string]bool{}
	for _, ev := range joinEvents {
		name := reflect.TypeOf(ev).Name()
		listed[name] = true
		if _, ok := declared[name]; !ok {
			t.Errorf("joinEvents in cli/jsondoc_test.go lists room.%s, which package room no longer declares as an event; remove it", name)
		}
	}
	for name, typ := range declared {
		if !listed[name] {
			t.Errorf("package room declares event type room.%s (Type() = %q) that this test does not know: "+
				"add room.%s{} to joinEvents in cli/jsondoc_test.go, then document it in docs/json.md", name, typ, name)
		}
	}

	emitted := map[string]bool{}
	// join also prints the managed server's webhooks, in the form of
	// `webhook listen`'s lines.
	for _, ev := range append(slices.Clone(joinEvents), hooks.Delivery{}) {
		typ := ev.Type()
		emitted[typ] = true
		shape := eventShape(t, ev)
		delete(shape, "type")
		delete(shape, "time")
		checkSection(t, doc, "join event "+typ, "### `"+typ+"`", shape)
	}
	for _, h := range doc.eventHeadings() {
		if !emitted[h] {
			t.Errorf("docs/json.md documents a join event %q that no room event type has (Type() never returns it): "+
				"delete its \"### `%s`\" section, or add the event type", h, h)
		}
	}
}

// jsonDocFile is docs/json.md split into sections: heading line → the
// field paths listed in its table (first cell in backticks).
type jsonDocFile struct {
	order    []string
	sections map[string][]string
}

func readJSONDoc(t *testing.T) jsonDocFile {
	t.Helper()
	b, err := os.ReadFile(jsonDoc)
	if err != nil {
		t.Fatalf("the JSON output must be documented in docs/json.md: %v", err)
	}
	d := jsonDocFile{sections: map[string][]string{}}
	cur := ""
	for _, line := range strings.Split(string(b), "\n") {
		line = strings.TrimRight(line, " \r")
		if strings.HasPrefix(line, "#") {
			cur = line
			d.order = append(d.order, cur)
			if _, dup := d.sections[cur]; dup {
				t.Errorf("docs/json.md has the heading %q twice", cur)
			}
			d.sections[cur] = []string{}
			continue
		}
		if cur == "" || !strings.HasPrefix(line, "| `") {
			continue
		}
		cell := strings.TrimPrefix(line, "| `")
		if end := strings.Index(cell, "`"); end > 0 {
			d.sections[cur] = append(d.sections[cur], cell[:end])
		}
	}
	return d
}

// eventHeadings lists the "### `type`" headings under "## `join`".
func (d jsonDocFile) eventHeadings() []string {
	var out []string
	inJoin := false
	for _, h := range d.order {
		if strings.HasPrefix(h, "## ") {
			inJoin = h == "## `join`"
			continue
		}
		if inJoin && strings.HasPrefix(h, "### `") && strings.HasSuffix(h, "`") {
			out = append(out, strings.TrimSuffix(strings.TrimPrefix(h, "### `"), "`"))
		}
	}
	return out
}

// checkSection compares the documented paths under heading with shape and
// says exactly what to write when they differ.
func checkSection(t *testing.T, doc jsonDocFile, what, heading string, shape map[string]string) {
	t.Helper()
	rows, ok := doc.sections[heading]
	if !ok {
		where := "as a top-level section"
		if strings.HasPrefix(heading, "### ") {
			where = "under \"## `join`\""
		}
		t.Errorf("docs/json.md does not document %s; add this section %s and fill in the meanings:\n\n%s\n\n%s",
			what, where, heading, tableFor(shape, slices.Sorted(maps.Keys(shape))))
		return
	}
	var missing, stale []string
	for p := range shape {
		if !slices.Contains(rows, p) {
			missing = append(missing, p)
		}
	}
	for _, p := range rows {
		if _, ok := shape[p]; !ok {
			stale = append(stale, p)
		}
	}
	slices.Sort(missing)
	if len(missing) > 0 {
		t.Errorf("docs/json.md, %s: %s prints fields that are not documented; add these rows to its table:\n%s",
			heading, what, tableRows(shape, missing))
	}
	if len(stale) > 0 {
		t.Errorf("docs/json.md, %s: documents fields %s never prints; delete their rows: %s", heading, what, strings.Join(stale, ", "))
	}
}

func tableFor(shape map[string]string, paths []string) string {
	if len(paths) == 0 {
		return "No fields besides the envelope."
	}
	return "| field | type | meaning |\n|---|---|---|\n" + tableRows(shape, paths)
}

func tableRows(shape map[string]string, paths []string) string {
	var b strings.Builder
	for _, p := range paths {
		fmt.Fprintf(&b, "| `%s` | %s | … |\n", p, shape[p])
	}
	return b.String()
}

// roomEventTypes finds the event types package room declares: every type
// with a Type() method returning a string literal, name → that literal. A
// type that no code in package room ever creates is reported: it is
// documented but never emitted.
func roomEventTypes(t *testing.T) map[string]string {
	t.Helper()
	files, err := filepath.Glob("../room/*.go")
	if err != nil || len(files) == 0 {
		t.Fatalf("cannot list ../room: %v", err)
	}
	out := map[string]string{}
	built := map[string]bool{} // types some composite literal creates
	fset := token.NewFileSet()
	for _, f := range files {
		if strings.HasSuffix(f, "_test.go") {
			continue
		}
		af, err := parser.ParseFile(fset, f, nil, 0)
		if err != nil {
			t.Fatal(err)
		}
		ast.Inspect(af, func(n ast.Node) bool {
			if cl, ok := n.(*ast.CompositeLit); ok {
				if id, ok := cl.Type.(*ast.Ident); ok {
					built[id.Name] = true
				}
			}
			return true
		})
		for _, d := range af.Decls {
			fd, ok := d.(*ast.FuncDecl)
			if !ok || fd.Recv == nil || fd.Name.Name != "Type" || fd.Body == nil || len(fd.Body.List) != 1 {
				continue
			}
			ret, ok := fd.Body.List[0].(*ast.ReturnStmt)
			if !ok || len(ret.Results) != 1 {
				continue
			}
			lit, ok := ret.Results[0].(*ast.BasicLit)
			if !ok || lit.Kind != token.STRING {
				continue
			}
			recv := fd.Recv.List[0].Type
			if star, ok := recv.(*ast.StarExpr); ok {
				recv = star.X
			}
			if id, ok := recv.(*ast.Ident); ok && id.IsExported() {
				out[id.Name] = strings.Trim(lit.Value, "\"`")
			}
		}
	}
	for name, typ := range out {
		if !built[name] {
			t.Errorf("package room declares event type room.%s (%q) but never creates one, so join never prints it: "+
				"emit it, or delete the type, its entry in joinEvents (cli/jsondoc_test.go) and its section in docs/json.md", name, typ)
		}
	}
	return out
}

// eventShape is the documented shape of one event line.
func eventShape(t *testing.T, ev room.Event) map[string]string {
	t.Helper()
	v := reflect.New(reflect.TypeOf(ev)).Elem()
	fill(v, 0)
	b, err := room.MarshalEvent(v.Interface().(room.Event))
	if err != nil {
		t.Fatalf("MarshalEvent(%T): %v", ev, err)
	}
	seen := map[string]bool{}
	for _, k := range topKeys(t, b) {
		if seen[k] {
			t.Errorf("event %q has a field named %q, which the envelope already uses; rename the field", ev.Type(), k)
		}
		seen[k] = true
	}
	return flattenShape(t, b)
}

// shapeOf marshals v with every field set and returns its paths.
func shapeOf(t *testing.T, v any) map[string]string {
	t.Helper()
	rv := reflect.New(reflect.TypeOf(v)).Elem()
	fill(rv, 0)
	b, err := json.Marshal(rv.Interface())
	if err != nil {
		t.Fatalf("marshal %T: %v", v, err)
	}
	return flattenShape(t, b)
}

// topKeys lists an object's keys in order, repeats included (a map
// would hide them).
func topKeys(t *testing.T, b []byte) []string {
	t.Helper()
	dec := json.NewDecoder(bytes.NewReader(b))
	if tok, err := dec.Token(); err != nil || tok != json.Delim('{') {
		t.Fatalf("not a JSON object: %s", b)
	}
	var keys []string
	for dec.More() {
		tok, err := dec.Token()
		if err != nil {
			t.Fatal(err)
		}
		keys = append(keys, tok.(string))
		var skip json.RawMessage
		if err := dec.Decode(&skip); err != nil {
			t.Fatal(err)
		}
	}
	return keys
}

// mapKey marks a Go map in the filled value, so that flattening reports the
// map as one field instead of descending into its made-up key.
const mapKey = "\x00map"

// fill sets every exported field reachable from v to a non-zero value, so
// that omitempty fields show up in the JSON.
func fill(v reflect.Value, depth int) {
	if depth > 8 || !v.CanSet() {
		return
	}
	if v.Type() == reflect.TypeFor[time.Time]() {
		v.Set(reflect.ValueOf(time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)))
		return
	}
	switch v.Kind() {
	case reflect.String:
		v.SetString("x")
	case reflect.Bool:
		v.SetBool(true)
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		v.SetInt(1)
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		v.SetUint(1)
	case reflect.Float32, reflect.Float64:
		v.SetFloat(1)
	case reflect.Pointer:
		p := reflect.New(v.Type().Elem())
		fill(p.Elem(), depth+1)
		v.Set(p)
	case reflect.Slice:
		s := reflect.MakeSlice(v.Type(), 1, 1)
		fill(s.Index(0), depth+1)
		v.Set(s)
	case reflect.Map:
		m := reflect.MakeMap(v.Type())
		if v.Type().Key().Kind() == reflect.String {
			k := reflect.New(v.Type().Key()).Elem()
			k.SetString(mapKey)
			e := reflect.New(v.Type().Elem()).Elem()
			fill(e, depth+1)
			m.SetMapIndex(k, e)
		}
		v.Set(m)
	case reflect.Struct:
		for i := range v.NumField() {
			if v.Type().Field(i).IsExported() {
				fill(v.Field(i), depth+1)
			}
		}
	}
}

// flattenShape turns a JSON object into path → JSON type: nested objects
// give dotted paths, arrays of objects "name[].field", maps one field.
func flattenShape(t *testing.T, b []byte) map[string]string {
	t.Helper()
	var m map[string]any
	if err := json.Unmarshal(b, &m); err != nil {
		t.Fatalf("not a JSON object: %v\n%s", err, b)
	}
	out := map[string]string{}
	var walk func(prefix string, v any)
	walk = func(prefix string, v any) {
		switch v := v.(type) {
		case map[string]any:
			if _, isMap := v[mapKey]; isMap {
				out[prefix] = "object"
				return
			}
			for k, e := range v {
				walk(joinPath(prefix, k), e)
			}
		case []any:
			if len(v) == 1 {
				if obj, ok := v[0].(map[string]any); ok {
					if _, isMap := obj[mapKey]; !isMap {
						walk(prefix+"[]", obj)
						return
					}
				}
				out[prefix] = "array of " + jsonType(v[0])
				return
			}
			out[prefix] = "array"
		default:
			out[prefix] = jsonType(v)
		}
	}
	walk("", m)
	return out
}

func joinPath(prefix, k string) string {
	if prefix == "" {
		return k
	}
	return prefix + "." + k
}

func jsonType(v any) string {
	switch v.(type) {
	case string:
		return "string"
	case float64:
		return "number"
	case bool:
		return "boolean"
	case map[string]any:
		return "object"
	case nil:
		return "null"
	}
	return "array"
}

// checkJoinLines holds real `join` output to the contract: the envelope
// order, the schema on the first line, and documented types and fields.
func checkJoinLines(t *testing.T, lines []string) {
	t.Helper()
	checkLines(t, lines, true)
}

// checkWebhookLines holds `webhook listen` output to the contract: join's
// webhook event.
func checkWebhookLines(t *testing.T, lines []string) {
	t.Helper()
	checkLines(t, lines, false)
	for i, line := range lines {
		if !strings.HasPrefix(line, `{"type":"webhook","time":"`) {
			t.Errorf("line %d is not a webhook line: %.120s", i+1, line)
		}
	}
}

func checkLines(t *testing.T, lines []string, join bool) {
	t.Helper()
	doc := readJSONDoc(t)
	for i, line := range lines {
		if !strings.HasPrefix(line, `{"type":"`) || !strings.Contains(line, `","time":"`) {
			t.Errorf("line %d does not start with the envelope {\"type\":…,\"time\":…}: %.120s", i+1, line)
		}
		var ev map[string]any
		if err := json.Unmarshal([]byte(line), &ev); err != nil {
			t.Fatalf("line %d is not JSON: %v", i+1, err)
		}
		if join && i == 0 && ev["schema"] != float64(room.EventSchema) {
			t.Errorf("first line should carry \"schema\":%d: %.120s", room.EventSchema, line)
		}
		typ, _ := ev["type"].(string)
		rows, ok := doc.sections["### `"+typ+"`"]
		if !ok {
			t.Errorf("join printed a %q event that docs/json.md does not document", typ)
			continue
		}
		for k := range ev {
			if k != "type" && k != "time" && !slices.ContainsFunc(rows, func(r string) bool {
				return r == k || strings.HasPrefix(r, k+".") || strings.HasPrefix(r, k+"[]")
			}) {
				t.Errorf("join printed field %q of %q, which docs/json.md does not document", k, typ)
			}
		}
	}
}

// checkAgentLines holds the "## `agent`" section to `lkdash agent`'s lines:
// the event types are the Event* constants of package standin, and every
// line has the fields of standin.Event.
func checkAgentLines(t *testing.T, doc jsonDocFile) {
	t.Helper()
	types := map[string]string{}
	for _, typ := range standinEventTypes(t) {
		types[typ] = "type"
	}
	checkSection(t, doc, "lkdash agent's event types", "### agent event types", types)
	ev := standin.Event{Type: standin.EventJobStarted}
	v := reflect.ValueOf(&ev).Elem()
	for i := range v.NumField() {
		if v.Type().Field(i).Name != "Type" {
			fill(v.Field(i), 0)
		}
	}
	b, err := json.Marshal(ev)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(string(b), `{"type":"job_started","time":"`) {
		t.Errorf("agent lines must start with the envelope {\"type\",\"time\"}: %s", b)
	}
	shape := flattenShape(t, b)
	delete(shape, "type")
	delete(shape, "time")
	checkSection(t, doc, "lkdash agent's event fields", "### agent event fields", shape)
}

// standinEventTypes reads the values of package standin's Event* string
// constants, the types `lkdash agent` prints.
func standinEventTypes(t *testing.T) []string {
	t.Helper()
	files, err := filepath.Glob("../standin/*.go")
	if err != nil || len(files) == 0 {
		t.Fatalf("cannot list ../standin: %v", err)
	}
	var out []string
	fset := token.NewFileSet()
	for _, f := range files {
		if strings.HasSuffix(f, "_test.go") {
			continue
		}
		af, err := parser.ParseFile(fset, f, nil, 0)
		if err != nil {
			t.Fatal(err)
		}
		for _, d := range af.Decls {
			gd, ok := d.(*ast.GenDecl)
			if !ok || gd.Tok != token.CONST {
				continue
			}
			for _, spec := range gd.Specs {
				vs := spec.(*ast.ValueSpec)
				for i, n := range vs.Names {
					if !strings.HasPrefix(n.Name, "Event") || i >= len(vs.Values) {
						continue
					}
					if lit, ok := vs.Values[i].(*ast.BasicLit); ok && lit.Kind == token.STRING {
						out = append(out, strings.Trim(lit.Value, "\"`"))
					}
				}
			}
		}
	}
	if len(out) == 0 {
		t.Fatal("found no Event* constants in package standin")
	}
	return out
}
