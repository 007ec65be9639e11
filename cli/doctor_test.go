package cli

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/livekit/protocol/auth"

	"github.com/lkdash/lkdash/devserver"
	"github.com/lkdash/lkdash/internal/lktest"
)

func mintFlags(srv *devserver.Server, room string) []string {
	return []string{"--source", "mint", "--url", srv.URL, "--api-key", srv.APIKey, "--api-secret", srv.APISecret, "--room", room}
}

// TestDoctorHealthyServerPassesEveryCheck: on a healthy server with the
// embedded TURN server on, every check passes and doctor exits 0; the JSON
// lines are the documented ones, and --quick prints the first three.
func TestDoctorHealthyServerPassesEveryCheck(t *testing.T) {
	srv := lktest.DedicatedWith(t, "turn: {enabled: true}")
	r := lkdash(t, "", nil, append([]string{"doctor", "--json", "--protocol-seconds", "1"}, mintFlags(srv, "doctor-healthy")...)...)
	if r.code != 0 {
		t.Fatalf("exit %d\nstdout:\n%s\nstderr:\n%s", r.code, r.stdout, r.err)
	}
	lines := strings.Split(strings.TrimSpace(r.stdout), "\n")
	checkDoctorLines(t, lines)
	var checks []string
	for _, line := range lines {
		var m map[string]any
		if err := json.Unmarshal([]byte(line), &m); err != nil {
			t.Fatal(err)
		}
		if m["type"] == "check" {
			checks = append(checks, m["check"].(string))
			if m["state"] != "PASS" {
				t.Errorf("%s: %s, want PASS: %s", m["check"], m["state"], line)
			}
		}
	}
	if strings.Join(checks, " ") != "url signal webrtc turn protocol reconnect publish" {
		t.Errorf("checks printed: %v", checks)
	}

	r = lkdash(t, "", nil, append([]string{"doctor", "--quick"}, mintFlags(srv, "doctor-quick")...)...)
	out := strings.Split(strings.TrimSpace(r.stdout), "\n")
	var heads []string
	for _, l := range out {
		if !strings.HasPrefix(l, " ") {
			heads = append(heads, strings.Join(strings.Fields(l)[:2], " "))
		}
	}
	if r.code != 0 || strings.Join(heads, ", ") != "PASS url, PASS signal, PASS webrtc, 3 passed," ||
		!strings.Contains(r.stdout, "candidates the server offers:") || !strings.Contains(r.stdout, "path: UDP host") {
		t.Errorf("--quick: exit %d\n%s", r.code, r.stdout)
	}
}

// TestDoctorShowsBothVerdictsAndNeverTheToken: a token signed with the
// wrong secret fails the url check with the server's verdict and lkdash's,
// and neither the text nor the JSON holds the token or any part of it.
func TestDoctorShowsBothVerdictsAndNeverTheToken(t *testing.T) {
	srv := lktest.Dedicated(t)
	at := auth.NewAccessToken(srv.APIKey, "not-the-server-secret").SetIdentity("mallory").
		SetVideoGrant(&auth.VideoGrant{RoomJoin: true, Room: "doctor-refused"})
	tok, err := at.ToJWT()
	if err != nil {
		t.Fatal(err)
	}
	for _, asJSON := range []bool{false, true} {
		args := []string{"doctor", "--url", srv.URL, "--token", tok}
		if asJSON {
			args = append(args, "--json")
		}
		r := lkdash(t, "", nil, args...)
		if r.code != 1 {
			t.Errorf("exit %d, want 1\n%s%s", r.code, r.stdout, r.err)
		}
		for _, piece := range []string{"refuses the token", "signature is invalid", "lkdash finds the claims valid", "mallory"} {
			if !strings.Contains(r.stdout, piece) {
				t.Errorf("json=%v: %q missing:\n%s", asJSON, piece, r.stdout)
			}
		}
		for i, seg := range strings.Split(tok, ".") {
			if strings.Contains(r.stdout+r.err, seg) {
				t.Errorf("json=%v: segment %d of the token was printed", asJSON, i)
			}
		}
	}
}

func TestDoctorUsageErrors(t *testing.T) {
	for _, args := range [][]string{
		{"doctor", "--block", "icmp"},
		{"doctor", "--check", "dns"},
		{"doctor", "--quick", "--check", "url"},
		{"doctor", "--protocol-seconds", "0"},
		{"doctor", "--ca", "/nonexistent/ca.pem"},
		{"doctor", "extra"},
	} {
		r := lkdash(t, "", nil, args...)
		if r.code != 2 || r.stdout != "" || !strings.HasPrefix(r.err, "lkdash: ") {
			t.Errorf("%v: exit %d, stdout %q, stderr %q", args, r.code, r.stdout, r.err)
		}
	}
}

// checkDoctorLines holds real `doctor --json` output to docs/json.md: each
// line's type has a section and each of its fields a row.
func checkDoctorLines(t *testing.T, lines []string) {
	t.Helper()
	doc := readJSONDoc(t)
	sections := map[string]string{"check": doctorCheckHeading, "summary": doctorSummaryHeading}
	for i, line := range lines {
		var m map[string]any
		if err := json.Unmarshal([]byte(line), &m); err != nil {
			t.Fatalf("line %d is not JSON: %v", i+1, err)
		}
		typ, _ := m["type"].(string)
		rows, ok := doc.sections[sections[typ]]
		if !ok {
			t.Errorf("doctor printed a %q line, which docs/json.md does not document", typ)
			continue
		}
		shape := flattenShape(t, []byte(line))
		for p := range shape {
			if !documented(rows, p) {
				t.Errorf("doctor printed %s field %q, which docs/json.md does not document", typ, p)
			}
		}
	}
	if last := lines[len(lines)-1]; !strings.HasPrefix(last, `{"type":"summary"`) {
		t.Errorf("the last line should be the summary: %s", last)
	}
}

// documented reports whether a printed path is in the table: itself, or
// (for empty objects and arrays) a parent of documented rows.
func documented(rows []string, p string) bool {
	for _, r := range rows {
		if r == p || strings.HasPrefix(r, p+".") || strings.HasPrefix(r, p+"[]") {
			return true
		}
	}
	return false
}
