package main

import (
	"fmt"
	"math"
	"os"
	"regexp"
	"strconv"
	"strings"
	"time"

	"sigs.k8s.io/yaml"
)

// composeFile is the part of a stage's docker-compose.yml the manifests must agree with. Read leniently: compose
// has many keys that do not concern Kubernetes. Anchors and `<<` merges are resolved by the YAML reader.
type composeFile struct {
	Services map[string]composeService `json:"services"`
}

type composeService struct {
	Image           string `json:"image"`
	Command         any    `json:"command"`
	Environment     any    `json:"environment"`
	Cpus            any    `json:"cpus"`
	MemLimit        any    `json:"mem_limit"`
	StopGracePeriod string `json:"stop_grace_period"`
	Deploy          struct {
		Replicas  *int32 `json:"replicas"`
		Resources struct {
			Limits struct {
				Cpus   any `json:"cpus"`
				Memory any `json:"memory"`
			} `json:"limits"`
		} `json:"resources"`
	} `json:"deploy"`
}

func loadCompose(path string) (*composeFile, error) {
	content, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("cannot read the compose file: %w", err)
	}
	var compose composeFile
	if err := yaml.Unmarshal(content, &compose); err != nil {
		return nil, fmt.Errorf("the compose file %s is not valid YAML: %w", path, err)
	}
	if len(compose.Services) == 0 {
		return nil, fmt.Errorf("the compose file %s has no services", path)
	}
	return &compose, nil
}

// environment gives the service's variables as written (before interpolation), from either compose form.
func (s composeService) environment() map[string]string {
	variables := map[string]string{}
	switch env := s.Environment.(type) {
	case map[string]any:
		for key, value := range env {
			variables[key] = scalarString(value)
		}
	case []any:
		for _, entry := range env {
			key, value, _ := strings.Cut(scalarString(entry), "=")
			variables[key] = value
		}
	}
	return variables
}

// defaultEnv is a variable's value when the shell sets nothing: `${NAME:-default}` gives its default.
func (s composeService) defaultEnv(key string) (string, error) {
	raw, set := s.environment()[key]
	if !set {
		return "", fmt.Errorf("sets no %s", key)
	}
	return interpolateDefaults(raw)
}

func (s composeService) defaultEnvNumber(key string) (float64, error) {
	value, err := s.defaultEnv(key)
	if err != nil {
		return 0, err
	}
	number, err := strconv.ParseFloat(value, 64)
	if err != nil {
		return 0, fmt.Errorf("sets %s to %q, which is not a number", key, value)
	}
	return number, nil
}

var interpolation = regexp.MustCompile(`\$\{([A-Za-z_][A-Za-z0-9_]*)(:?-([^}]*))?\}`)

func interpolateDefaults(raw string) (string, error) {
	var missing []string
	value := interpolation.ReplaceAllStringFunc(raw, func(match string) string {
		parts := interpolation.FindStringSubmatch(match)
		if parts[2] == "" {
			missing = append(missing, parts[1])
		}
		return parts[3]
	})
	if len(missing) > 0 {
		return "", fmt.Errorf("takes ${%s} from the shell with no default", strings.Join(missing, "}, ${"))
	}
	return value, nil
}

func (s composeService) command() ([]string, error) {
	switch command := s.Command.(type) {
	case []any:
		words := make([]string, len(command))
		for i, word := range command {
			words[i] = scalarString(word)
		}
		return words, nil
	case string:
		return strings.Fields(command), nil
	default:
		return nil, nil
	}
}

// cpuMillis is the service's CPU limit (`cpus:` or deploy.resources.limits.cpus) in millicores; ok is false when
// the service sets none.
func (s composeService) cpuMillis() (millis int64, ok bool, err error) {
	raw := scalarString(firstSet(s.Cpus, s.Deploy.Resources.Limits.Cpus))
	if raw == "" {
		return 0, false, nil
	}
	cpus, err := strconv.ParseFloat(raw, 64)
	if err != nil || cpus <= 0 {
		return 0, false, fmt.Errorf("sets cpus to %q, which is not a positive number", raw)
	}
	return int64(math.Round(cpus * 1000)), true, nil
}

var composeMemory = regexp.MustCompile(`(?i)^(\d+(?:\.\d+)?)\s*([bkmg]?)b?$`)

// memoryBytes is the service's memory limit (mem_limit or deploy.resources.limits.memory); compose's k, m and g
// are binary (1024) units, as Kubernetes' Ki, Mi and Gi.
func (s composeService) memoryBytes() (bytes int64, ok bool, err error) {
	raw := scalarString(firstSet(s.MemLimit, s.Deploy.Resources.Limits.Memory))
	if raw == "" {
		return 0, false, nil
	}
	parts := composeMemory.FindStringSubmatch(strings.TrimSpace(raw))
	if parts == nil {
		return 0, false, fmt.Errorf("sets a memory limit of %q, which compose does not read as a size", raw)
	}
	amount, _ := strconv.ParseFloat(parts[1], 64)
	unit := map[string]float64{"": 1, "b": 1, "k": 1 << 10, "m": 1 << 20, "g": 1 << 30}[strings.ToLower(parts[2])]
	return int64(amount * unit), true, nil
}

// stopGraceSeconds is how long compose waits after SIGTERM before it kills the service (10 s unless set).
func (s composeService) stopGraceSeconds() (int64, error) {
	if s.StopGracePeriod == "" {
		return 10, nil
	}
	duration, err := time.ParseDuration(s.StopGracePeriod)
	if err != nil {
		return 0, fmt.Errorf("sets stop_grace_period to %q, which is not a duration", s.StopGracePeriod)
	}
	return int64(duration.Seconds()), nil
}

func firstSet(values ...any) any {
	for _, value := range values {
		if value != nil {
			return value
		}
	}
	return nil
}

func scalarString(value any) string {
	switch v := value.(type) {
	case nil:
		return ""
	case string:
		return v
	case float64:
		return strconv.FormatFloat(v, 'f', -1, 64)
	default:
		return fmt.Sprint(v)
	}
}
