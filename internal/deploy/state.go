package deploy

import (
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"time"

	"github.com/axctl/axctl/internal/atomicfile"
)

// State is the record of one build's deploy: which steps completed and
// when. It lives in <StateDir>/deploy-<build>.json; a rerun skips what it
// lists.
type State struct {
	Build  string            `json:"build"`
	Worker string            `json:"worker"`
	Site   string            `json:"site"`
	Steps  map[string]string `json:"steps"` // step name → RFC 3339 time it completed
	// Notes say why a step was skipped (purge not needed).
	Notes map[string]string `json:"notes,omitempty"`
	// Gradual is the rollout of --percent: the versions and the live split.
	Gradual *Split `json:"gradual,omitempty"`

	path string
}

func statePath(dir, build string) string {
	return filepath.Join(dir, "deploy-"+build+".json")
}

// LoadState reads the state of build, or returns an empty one.
func LoadState(dir, build string) (*State, error) {
	s := &State{Build: build, Steps: map[string]string{}, path: statePath(dir, build)}
	data, err := os.ReadFile(s.path)
	if errors.Is(err, fs.ErrNotExist) {
		return s, nil
	}
	if err != nil {
		return nil, fmt.Errorf("read deploy state: %w", err)
	}
	if err := json.Unmarshal(data, s); err != nil {
		return nil, fmt.Errorf("deploy state %s is not valid JSON (delete it to start over): %w", s.path, err)
	}
	if s.Build != build {
		return nil, fmt.Errorf("deploy state %s is for build %q, not %q (delete it to start over)", s.path, s.Build, build)
	}
	if s.Steps == nil {
		s.Steps = map[string]string{}
	}
	return s, nil
}

// Done reports whether step completed in an earlier or this run.
func (s *State) Done(step string) bool { _, ok := s.Steps[step]; return ok }

// Path is the state file's name.
func (s *State) Path() string { return s.path }

// mark records step as completed and saves the file atomically.
func (s *State) mark(step string, now time.Time, note string) error {
	s.Steps[step] = now.UTC().Format(time.RFC3339)
	if note != "" {
		if s.Notes == nil {
			s.Notes = map[string]string{}
		}
		s.Notes[step] = note
	}
	data, err := json.MarshalIndent(s, "", "  ")
	if err != nil {
		return err
	}
	if err := atomicfile.Write(s.path, append(data, '\n')); err != nil {
		return fmt.Errorf("save deploy state: %w", err)
	}
	return nil
}
