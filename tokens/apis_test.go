package tokens

import (
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/livekit/protocol/auth"
	"github.com/livekit/protocol/livekit"
)

// TestAPITableCoversEveryMethod holds the table to the Twirp services of
// github.com/livekit/protocol: every method listed once, nothing else.
func TestAPITableCoversEveryMethod(t *testing.T) {
	services := map[string]reflect.Type{
		"RoomService":   reflect.TypeFor[livekit.RoomService](),
		"Egress":        reflect.TypeFor[livekit.Egress](),
		"Ingress":       reflect.TypeFor[livekit.Ingress](),
		"SIP":           reflect.TypeFor[livekit.SIP](),
		"AgentDispatch": reflect.TypeFor[livekit.AgentDispatchService](),
	}
	listed := map[string]int{}
	for _, m := range APIMethods() {
		listed[m.Service+"."+m.Method]++
		typ, ok := services[m.Service]
		if !ok {
			t.Errorf("%s.%s: unknown service", m.Service, m.Method)
			continue
		}
		if _, ok := typ.MethodByName(m.Method); !ok {
			t.Errorf("%s.%s is not a method of livekit.%s", m.Service, m.Method, typ.Name())
		}
		if len(m.Needs) == 0 || m.CheckedIn == "" {
			t.Errorf("%s.%s: no grant or no citation", m.Service, m.Method)
		}
	}
	for svc, typ := range services {
		for i := range typ.NumMethod() {
			name := svc + "." + typ.Method(i).Name
			if listed[name] != 1 {
				t.Errorf("%s is listed %d times in apiMethods, want once", name, listed[name])
			}
		}
	}
}

// checkGrants maps each check of pkg/service/auth.go to what it reads.
var checkGrants = map[string][]APIGrant{
	"EnsureListPermission":         {NeedRoomList},
	"EnsureCreatePermission":       {NeedRoomCreate},
	"EnsureAdminPermission":        {NeedRoomAdmin},
	"EnsureDestRoomPermission":     {NeedRoomAdmin, NeedDestination},
	"EnsureRecordPermission":       {NeedRoomRecord},
	"EnsureIngressAdminPermission": {NeedIngressAdmin},
	"EnsureSIPAdminPermission":     {NeedSIPAdmin},
	"EnsureSIPCallPermission":      {NeedSIPCall},
}

// citation is "pkg/service/file.go Type.Method[ → callee]: Check[, Check]".
var citation = regexp.MustCompile(`^(pkg/service/\S+\.go) (\w+)\.(\w+)(?: → (\w+))?: (\w+(?:, \w+)*)$`)

// TestAPITableCitesTheServer reads livekit-server v1.13.5's source and
// checks each row's citation: the method exists on the type named, and its
// body (or that of the callee named, which it calls) makes each check.
func TestAPITableCitesTheServer(t *testing.T) {
	dir := serverSource(t)
	for _, m := range APIMethods() {
		parts := citation.FindStringSubmatch(m.CheckedIn)
		if parts == nil {
			t.Errorf("%s.%s: citation %q is not \"file Type.Method[ → callee]: Check\"", m.Service, m.Method, m.CheckedIn)
			continue
		}
		src, err := os.ReadFile(filepath.Join(dir, parts[1]))
		if err != nil {
			t.Errorf("%s.%s: %v", m.Service, m.Method, err)
			continue
		}
		body := funcBody(string(src), `func \(\w+ \*`+parts[2]+`\) `+parts[3]+`\(`)
		if body == "" {
			t.Errorf("%s.%s: no method %s.%s in %s", m.Service, m.Method, parts[2], parts[3], parts[1])
			continue
		}
		if callee := parts[4]; callee != "" {
			if !strings.Contains(body, callee+"(") {
				t.Errorf("%s.%s: %s.%s does not call %s", m.Service, m.Method, parts[2], parts[3], callee)
			}
			body = funcBody(string(src), `func (\(\w+ \*\w+\) )?`+callee+`\(`)
		}
		var needs []APIGrant
		for _, check := range strings.Split(parts[5], ", ") {
			if !strings.Contains(body, check+"(ctx") {
				t.Errorf("%s.%s: %s does not call %s", m.Service, m.Method, m.CheckedIn, check)
			}
			needs = append(needs, checkGrants[check]...)
		}
		if !slices.Equal(needs, m.Needs) {
			t.Errorf("%s.%s needs %v, but its checks (%s) need %v", m.Service, m.Method, m.Needs, parts[5], needs)
		}
	}
}

// funcBody returns the source of the function whose header matches
// header, up to the next top-level func.
func funcBody(src, header string) string {
	loc := regexp.MustCompile(`(?m)^` + header).FindStringIndex(src)
	if loc == nil {
		return ""
	}
	rest := src[loc[1]:]
	if end := strings.Index(rest, "\nfunc "); end >= 0 {
		rest = rest[:end]
	}
	return rest
}

// serverSource is livekit-server v1.13.5's source in the module cache,
// downloaded through the module proxy when missing.
func serverSource(t *testing.T) string {
	t.Helper()
	cmd := exec.Command("go", "mod", "download", "-json", "github.com/livekit/livekit-server@v1.13.5")
	cmd.Dir = t.TempDir()
	cmd.Env = append(os.Environ(), "GOFLAGS=-mod=mod")
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("go mod download livekit-server: %v\n%s", err, out)
	}
	var mod struct{ Dir, Error string }
	if err := json.Unmarshal(out, &mod); err != nil || mod.Dir == "" {
		t.Fatalf("go mod download livekit-server: %s %v", out, err)
	}
	return mod.Dir
}

func TestJudgeRoomScopedAndSIP(t *testing.T) {
	admin := &auth.ClaimGrants{Video: &auth.VideoGrant{RoomAdmin: true, Room: "demo"}}
	m, _ := LookupAPIMethod("RoomService", "ListParticipants")
	if a := Judge(admin, m); !a.Allowed || a.Room != "demo" {
		t.Errorf("roomAdmin on demo: %+v", a)
	}
	m, _ = LookupAPIMethod("RoomService", "ListRooms")
	if a := Judge(admin, m); a.Allowed || len(a.Missing) != 1 || a.Missing[0] != NeedRoomList {
		t.Errorf("roomAdmin alone may not list rooms: %+v", a)
	}
	m, _ = LookupAPIMethod("SIP", "TransferSIPParticipant")
	call := &auth.ClaimGrants{SIP: &auth.SIPGrant{Call: true}}
	if a := Judge(call, m); a.Allowed || len(a.Missing) != 1 || a.Missing[0] != NeedRoomAdmin {
		t.Errorf("sip.call without roomAdmin: %+v", a)
	}
	if a := Judge(nil, m); a.Allowed || len(a.Missing) != 2 {
		t.Errorf("no grants: %+v", a)
	}
}
