package cli

import (
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/lkdash/lkdash/tokens"
)

// homeWithProjects returns a HOME whose lk CLI config saves projects, the
// first one being the default.
func homeWithProjects(t *testing.T, projects ...lkProject) string {
	t.Helper()
	home := t.TempDir()
	var b strings.Builder
	b.WriteString("default_project: " + projects[0].Name + "\nprojects:\n")
	for _, p := range projects {
		b.WriteString("  - name: " + p.Name + "\n    url: " + p.URL + "\n    api_key: " + p.APIKey + "\n    api_secret: " + p.APISecret + "\n")
	}
	if err := os.MkdirAll(filepath.Join(home, ".livekit"), 0o700); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(home, ".livekit", "cli-config.yaml"), []byte(b.String()), 0o600); err != nil {
		t.Fatal(err)
	}
	return home
}

var labProject = lkProject{Name: "lab", URL: "wss://lab.example", APIKey: "labkey", APISecret: "labsecret-never-printed"}

// tokenServer answers the endpoint (and sandbox) protocol with tokens signed
// by testKey for serverURL.
func tokenServer(t *testing.T, serverURL string) *httptest.Server {
	t.Helper()
	srv := httptest.NewServer(tokens.NewHandler(tokens.HandlerConfig{ServerURL: serverURL, APIKey: testKey,
		APISecret: testSecret, TTL: time.Hour, Grants: tokens.DefaultGrants()}))
	t.Cleanup(srv.Close)
	return srv
}

// TestFetchIgnoresUnrelatedDefaultProject: with an lk default project for
// another key saved, sandbox and endpoint tokens stay valid and unverified,
// with a note naming the key that signed them.
func TestFetchIgnoresUnrelatedDefaultProject(t *testing.T) {
	home := homeWithProjects(t, labProject)
	srv := tokenServer(t, "wss://sandbox.example")
	for _, args := range [][]string{
		{"fetch", "--json", "--source", "sandbox", "--sandbox-id", "demo", "--sandbox-base-url", srv.URL},
		{"fetch", "--json", "--endpoint", srv.URL},
	} {
		r := lkdashHome(t, home, "", nil, args...)
		if r.code != 0 {
			t.Fatalf("%v: exit %d: %s %s", args, r.code, r.err, r.stdout)
		}
		m := decodeJSON(t, r.stdout)
		if m["signature"] != "unverified" || m["valid"] != true {
			t.Errorf("%v: signature=%v valid=%v problems=%v", args, m["signature"], m["valid"], m["problems"])
		}
		if !strings.Contains(r.stdout, `signed by API key \"`+testKey+`\" and no secret for it is at hand`) {
			t.Errorf("%v: no note naming the signing key: %v", args, m["warnings"])
		}
		if strings.Contains(r.stdout+r.err, "labsecret") || strings.Contains(r.stdout+r.err, testSecret) {
			t.Errorf("%v: a secret was printed", args)
		}
	}
}

// TestFetchVerifiesWithMatchingProject: a saved project whose key is the
// token's iss, or whose URL is the response's server_url, verifies it.
func TestFetchVerifiesWithMatchingProject(t *testing.T) {
	signer := lkProject{Name: "signer", URL: "wss://signer.example", APIKey: testKey, APISecret: testSecret}
	wrongSecret := lkProject{Name: "by-url", URL: "wss://served.example", APIKey: testKey, APISecret: "not-the-secret"}
	tests := []struct {
		name      string
		projects  []lkProject
		serverURL string
		signature string
		valid     bool
	}{
		{"key equals iss", []lkProject{labProject, signer}, "wss://elsewhere.example", "verified", true},
		{"url equals server_url", []lkProject{labProject, wrongSecret}, "wss://served.example", "invalid", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			home := homeWithProjects(t, tt.projects...)
			srv := tokenServer(t, tt.serverURL)
			r := lkdashHome(t, home, "", nil, "fetch", "--json", "--endpoint", srv.URL)
			m := decodeJSON(t, r.stdout)
			if m["signature"] != tt.signature || m["valid"] != tt.valid {
				t.Errorf("signature=%v valid=%v problems=%v, want %s %v", m["signature"], m["valid"], m["problems"], tt.signature, tt.valid)
			}
		})
	}
}

// TestFetchExplicitKeyIsUsed: a key pair given by flag or environment is
// used even when it is not the signer, and says so.
func TestFetchExplicitKeyIsUsed(t *testing.T) {
	srv := tokenServer(t, "wss://sandbox.example")
	for _, tt := range []struct {
		args    []string
		environ map[string]string
	}{
		{[]string{"--api-key", "labkey", "--api-secret", "labsecret"}, nil},
		{nil, map[string]string{"LIVEKIT_API_KEY": "labkey", "LIVEKIT_API_SECRET": "labsecret"}},
	} {
		args := append([]string{"fetch", "--json", "--endpoint", srv.URL}, tt.args...)
		r := lkdash(t, "", tt.environ, args...)
		m := decodeJSON(t, r.stdout)
		if r.code != 1 || m["valid"] != false || !strings.Contains(r.stdout, `issuer \"`+testKey+`\" is not the API key \"labkey\"`) {
			t.Errorf("%v %v: exit %d valid=%v problems=%v", tt.args, tt.environ, r.code, m["valid"], m["problems"])
		}
	}
}
