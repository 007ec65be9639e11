package cli

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"

	"go.yaml.in/yaml/v3"

	"github.com/lkdash/lkdash/internal/source"
)

// lkProject is one project saved by the `lk` CLI (lk project add).
type lkProject struct {
	Name      string `yaml:"name"`
	URL       string `yaml:"url"`
	APIKey    string `yaml:"api_key"`
	APISecret string `yaml:"api_secret"`
}

// lkConfig mirrors the parts of ~/.livekit/cli-config.yaml that lkdash reads.
type lkConfig struct {
	DefaultProject string      `yaml:"default_project"`
	Projects       []lkProject `yaml:"projects"`
}

// lkConfigPath is where the lk CLI keeps its projects.
func lkConfigPath() (string, error) {
	home, err := os.UserHomeDir()
	if err != nil {
		return "", err
	}
	return filepath.Join(home, ".livekit", "cli-config.yaml"), nil
}

// loadLKConfig reads the lk CLI config; a missing file is not an error.
func loadLKConfig(path string) (*lkConfig, error) {
	data, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		return &lkConfig{}, nil
	}
	if err != nil {
		return nil, fmt.Errorf("reading lk config: %w", err)
	}
	var cfg lkConfig
	if err := yaml.Unmarshal(data, &cfg); err != nil {
		return nil, fmt.Errorf("lk config %s is not valid YAML: %w", path, err)
	}
	return &cfg, nil
}

// project returns the named project, or the default one when name is empty.
// An explicitly named project that does not exist is an error; a missing
// default is not.
func (c *lkConfig) project(name string) (*lkProject, error) {
	want := name
	if want == "" {
		want = c.DefaultProject
	}
	if want == "" {
		return nil, nil
	}
	for i := range c.Projects {
		if c.Projects[i].Name == want {
			return &c.Projects[i], nil
		}
	}
	if name != "" {
		return nil, fmt.Errorf("lk project %q not found (have %d saved projects)", name, len(c.Projects))
	}
	return nil, nil
}

// savedKeys lists every project's key pair, for judging tokens they signed.
func (c *lkConfig) savedKeys() []source.SavedKey {
	keys := make([]source.SavedKey, 0, len(c.Projects))
	for _, p := range c.Projects {
		keys = append(keys, source.SavedKey{Name: p.Name, URL: p.URL, APIKey: p.APIKey, APISecret: p.APISecret})
	}
	return keys
}

// value is the project's setting for the environment variable that names
// the same thing, "" for one a project does not hold.
func (p *lkProject) value(envName string) string {
	switch envName {
	case "LIVEKIT_URL":
		return p.URL
	case "LIVEKIT_API_KEY":
		return p.APIKey
	case "LIVEKIT_API_SECRET":
		return p.APISecret
	}
	return ""
}
