package cli

import (
	"encoding/json"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/mattn/go-isatty"
	"github.com/spf13/cobra"

	"github.com/lkdash/lkdash/tokens"
)

// maxTokenInput bounds what decode reads from stdin; tokens.Decode has its
// own, smaller, limit and says so.
const maxTokenInput = 4 << 20

func newDecodeCmd(s *streams) *cobra.Command {
	var asJSON bool
	var apiKey, secret string
	cmd := &cobra.Command{
		Use:   "decode [TOKEN|-]",
		Short: "Decode a participant token and say whether a server would accept it",
		Long: "Decode prints a token's header, claims, grants, times and validity.\n" +
			"With --secret (or LIVEKIT_API_SECRET) the signature is verified too.\n" +
			"Exit status 1 means the token is malformed or would be refused.",
		Args: cobra.MaximumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			raw, err := tokenArg(s, args)
			if err != nil {
				return err
			}
			t, err := tokens.Decode(raw)
			if err != nil {
				return err
			}
			cfg := tokens.CheckConfig{APIKey: orEnv(apiKey, "LIVEKIT_API_KEY"), APISecret: orEnv(secret, "LIVEKIT_API_SECRET")}
			rep := tokens.NewReport(t, s.now(), cfg)
			if asJSON {
				err = writeJSON(s.out, rep)
			} else {
				err = printToken(s.out, t, rep, s.now())
			}
			if err != nil {
				return err
			}
			if !rep.Valid {
				return errSilentFailure
			}
			return nil
		},
	}
	cmd.Flags().BoolVar(&asJSON, "json", false, "print one JSON object")
	cmd.Flags().StringVar(&secret, "secret", "", "API secret to verify the signature (env LIVEKIT_API_SECRET)")
	cmd.Flags().StringVar(&apiKey, "api-key", "", "API key the server holds (env LIVEKIT_API_KEY)")
	return cmd
}

// tokenArg reads the token from the argument, or from stdin for "-" or when
// stdin is piped.
func tokenArg(s *streams, args []string) (string, error) {
	if len(args) == 1 && args[0] != "-" {
		return args[0], nil
	}
	if len(args) == 0 {
		if f, ok := s.in.(*os.File); ok && isatty.IsTerminal(f.Fd()) {
			return "", usageErrorf("give a token as the argument, or pipe one on stdin")
		}
	}
	data, err := io.ReadAll(io.LimitReader(s.in, maxTokenInput+1))
	if err != nil {
		return "", fmt.Errorf("reading token from stdin: %w", err)
	}
	if len(data) > maxTokenInput {
		return "", fmt.Errorf("input is larger than %d MiB; that is not a token", maxTokenInput>>20)
	}
	raw := strings.TrimSpace(string(data))
	if raw == "" {
		return "", usageErrorf("no token on stdin")
	}
	return raw, nil
}

func orEnv(v, name string) string {
	if v != "" {
		return v
	}
	return strings.TrimSpace(env(name))
}

func writeJSON(w io.Writer, v any) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(v)
}
