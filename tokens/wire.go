package tokens

import (
	"bytes"
	"encoding/json"
	"errors"
	"strings"
)

// wireRequest is livekit.TokenSourceRequest as JSON: snake_case, empty
// fields omitted, one agent slot.
type wireRequest struct {
	RoomName              string            `json:"room_name,omitempty"`
	ParticipantName       string            `json:"participant_name,omitempty"`
	ParticipantIdentity   string            `json:"participant_identity,omitempty"`
	ParticipantMetadata   string            `json:"participant_metadata,omitempty"`
	ParticipantAttributes map[string]string `json:"participant_attributes,omitempty"`
	RoomConfig            *wireRoomConfig   `json:"room_config,omitempty"`
}

type wireRoomConfig struct {
	Agents []wireAgent `json:"agents"`
}

type wireAgent struct {
	AgentName  string `json:"agent_name,omitempty"`
	Metadata   string `json:"metadata,omitempty"`
	Deployment string `json:"deployment,omitempty"`
}

// RequestBody is the JSON body every request-carrying source sends (endpoint,
// sandbox, command stdin). No options at all yields `{}`.
func RequestBody(o Options) ([]byte, error) {
	w := wireRequest{
		RoomName:              o.RoomName,
		ParticipantName:       o.ParticipantName,
		ParticipantIdentity:   o.ParticipantIdentity,
		ParticipantMetadata:   o.ParticipantMetadata,
		ParticipantAttributes: o.ParticipantAttributes,
	}
	if o.HasAgent() {
		w.RoomConfig = &wireRoomConfig{Agents: []wireAgent{{
			AgentName: o.AgentName, Metadata: o.AgentMetadata, Deployment: o.AgentDeployment,
		}}}
	}
	// No HTML escaping: the body is not embedded in HTML, and "<" reads
	// better than "\u003c" in logs and goldens.
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(w); err != nil {
		return nil, err
	}
	return bytes.TrimSuffix(b.Bytes(), []byte("\n")), nil
}

// wireResponse accepts each field in snake_case and camelCase; the snake
// name wins when both are set. (encoding/json also matches keys
// case-insensitively, so "ServerURL"-style keys land in the camel field.)
type wireResponse struct {
	ServerURL             string `json:"server_url"`
	ServerURLCamel        string `json:"serverUrl"`
	ParticipantToken      string `json:"participant_token"`
	ParticipantTokenCamel string `json:"participantToken"`
	RoomName              string `json:"room_name"`
	RoomNameCamel         string `json:"roomName"`
	ParticipantName       string `json:"participant_name"`
	ParticipantNameCamel  string `json:"participantName"`
}

func camelName(snake string) string {
	parts := strings.Split(snake, "_")
	for i := 1; i < len(parts); i++ {
		if parts[i] != "" {
			parts[i] = strings.ToUpper(parts[i][:1]) + parts[i][1:]
		}
	}
	return strings.Join(parts, "")
}

func firstNonEmpty(vals ...string) string {
	for _, v := range vals {
		if v = strings.TrimSpace(v); v != "" {
			return v
		}
	}
	return ""
}

// ParseResponse parses a token server's answer. A body that is not one JSON
// object yields *ResponseFormatError; a missing server_url or
// participant_token yields *MissingFieldError. It never panics (fuzzed).
func ParseResponse(body []byte) (Response, error) {
	// A UTF-8 byte-order mark is what some Windows tools put first.
	trimmed := bytes.TrimSpace(bytes.TrimPrefix(bytes.TrimSpace(body), []byte("\xef\xbb\xbf")))
	prefix, _ := safePrefix(trimmed, errBodyPrefix)
	switch {
	case len(trimmed) == 0:
		return Response{}, &ResponseFormatError{Err: errors.New("the body is empty")}
	case trimmed[0] == '<':
		return Response{}, &ResponseFormatError{Err: errors.New("it looks like HTML (is the URL a web page rather than a token endpoint?)"), Body: prefix}
	case trimmed[0] != '{':
		return Response{}, &ResponseFormatError{Err: errors.New("it does not start with '{'"), Body: prefix}
	}
	var w wireResponse
	if err := json.Unmarshal(trimmed, &w); err != nil {
		return Response{}, &ResponseFormatError{Err: jsonProblem(err), Body: prefix}
	}
	r := Response{
		ServerURL:        firstNonEmpty(w.ServerURL, w.ServerURLCamel),
		ParticipantToken: firstNonEmpty(w.ParticipantToken, w.ParticipantTokenCamel),
		RoomName:         firstNonEmpty(w.RoomName, w.RoomNameCamel),
		ParticipantName:  firstNonEmpty(w.ParticipantName, w.ParticipantNameCamel),
	}
	if r.ServerURL == "" {
		return Response{}, &MissingFieldError{Field: "server_url"}
	}
	if r.ParticipantToken == "" {
		return Response{}, &MissingFieldError{Field: "participant_token"}
	}
	return r, nil
}

// jsonProblem rewords the decoder's least helpful message.
func jsonProblem(err error) error {
	if err.Error() == "unexpected end of JSON input" {
		return errors.New("the JSON is truncated (unexpected end of input)")
	}
	var te *json.UnmarshalTypeError
	if errors.As(err, &te) {
		return errors.New("field \"" + te.Field + "\" is a JSON " + te.Value + ", want a string")
	}
	return err
}

// wireRequestIn is what the handler accepts: the wire request in snake_case
// or camelCase per field.
type wireRequestIn struct {
	wireRequest
	RoomNameCamel              string            `json:"roomName"`
	ParticipantNameCamel       string            `json:"participantName"`
	ParticipantIdentityCamel   string            `json:"participantIdentity"`
	ParticipantMetadataCamel   string            `json:"participantMetadata"`
	ParticipantAttributesCamel map[string]string `json:"participantAttributes"`
	RoomConfigCamel            *struct {
		Agents []struct {
			AgentName  string `json:"agentName"`
			Metadata   string `json:"metadata"`
			Deployment string `json:"deployment"`
		} `json:"agents"`
	} `json:"roomConfig"`
}

// parseRequest turns a wire request body back into Options. An empty body
// means no options.
func parseRequest(body []byte) (Options, error) {
	body = bytes.TrimSpace(body)
	if len(body) == 0 {
		return Options{}, nil
	}
	var w wireRequestIn
	if err := json.Unmarshal(body, &w); err != nil {
		return Options{}, jsonProblem(err)
	}
	o := Options{
		RoomName:              firstNonEmpty(w.RoomName, w.RoomNameCamel),
		ParticipantName:       firstNonEmpty(w.ParticipantName, w.ParticipantNameCamel),
		ParticipantIdentity:   firstNonEmpty(w.ParticipantIdentity, w.ParticipantIdentityCamel),
		ParticipantMetadata:   w.ParticipantMetadata,
		ParticipantAttributes: w.ParticipantAttributes,
	}
	if o.ParticipantMetadata == "" {
		o.ParticipantMetadata = w.ParticipantMetadataCamel
	}
	if len(o.ParticipantAttributes) == 0 {
		o.ParticipantAttributes = w.ParticipantAttributesCamel
	}
	if w.RoomConfig != nil && len(w.RoomConfig.Agents) > 0 {
		a := w.RoomConfig.Agents[0]
		o.AgentName, o.AgentMetadata, o.AgentDeployment = a.AgentName, a.Metadata, a.Deployment
	} else if w.RoomConfigCamel != nil && len(w.RoomConfigCamel.Agents) > 0 {
		a := w.RoomConfigCamel.Agents[0]
		o.AgentName, o.AgentMetadata, o.AgentDeployment = a.AgentName, a.Metadata, a.Deployment
	}
	return o, nil
}
