package main

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"

	appsv1 "k8s.io/api/apps/v1"
	autoscalingv2 "k8s.io/api/autoscaling/v2"
	batchv1 "k8s.io/api/batch/v1"
	corev1 "k8s.io/api/core/v1"
	policyv1 "k8s.io/api/policy/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	k8syaml "k8s.io/apimachinery/pkg/util/yaml"
	"sigs.k8s.io/yaml"
)

// document is one YAML document of a manifest file, decoded into the k8s.io/api type of its kind.
type document struct {
	source string // file and position, for a document that names no object
	kind   string
	name   string
	object any
	// A reason the document itself fails (it does not decode, or names a kind the stage does not use).
	decodeErr error
}

func (d *document) label() string {
	switch {
	case d.kind == "" || d.name == "":
		return d.source
	case d.decodeErr != nil:
		return fmt.Sprintf("%s/%s in %s", d.kind, d.name, d.source)
	default:
		return d.kind + "/" + d.name
	}
}

// The kinds the stage's manifests may hold, each with its apiVersion: another version or kind is refused, so a
// typo in either cannot slip through as an object nothing checks. A Secret is refused too: it is created on the
// cluster (k8s/README.md), never committed.
var knownKinds = map[string]func() any{
	"v1/Namespace":                           func() any { return &corev1.Namespace{} },
	"v1/ConfigMap":                           func() any { return &corev1.ConfigMap{} },
	"v1/Service":                             func() any { return &corev1.Service{} },
	"apps/v1/Deployment":                     func() any { return &appsv1.Deployment{} },
	"batch/v1/Job":                           func() any { return &batchv1.Job{} },
	"autoscaling/v2/HorizontalPodAutoscaler": func() any { return &autoscalingv2.HorizontalPodAutoscaler{} },
	"policy/v1/PodDisruptionBudget":          func() any { return &policyv1.PodDisruptionBudget{} },
}

// splitDocuments cuts a multi-document YAML stream at its `---` lines; documents holding only comments are skipped.
func splitDocuments(content []byte) ([][]byte, error) {
	reader := k8syaml.NewYAMLReader(bufio.NewReader(bytes.NewReader(content)))
	var documents [][]byte
	for {
		raw, err := reader.Read()
		if errors.Is(err, io.EOF) {
			return documents, nil
		}
		if err != nil {
			return nil, err
		}
		if hasContent(raw) {
			documents = append(documents, raw)
		}
	}
}

func hasContent(raw []byte) bool {
	for line := range strings.SplitSeq(string(raw), "\n") {
		trimmed := strings.TrimSpace(line)
		if trimmed != "" && !strings.HasPrefix(trimmed, "#") && trimmed != "---" {
			return true
		}
	}
	return false
}

// decodeDocument reads the apiVersion and kind first, then decodes the whole document strictly into that kind's
// type: a field the type does not have, or a key given twice, fails it.
func decodeDocument(source string, raw []byte) *document {
	doc := &document{source: source}
	// Read leniently first, so that a document that fails is named by its kind and name.
	var meta struct {
		metav1.TypeMeta `json:",inline"`
		Metadata        struct {
			Name string `json:"name"`
		} `json:"metadata"`
	}
	if err := yaml.Unmarshal(raw, &meta); err != nil {
		doc.decodeErr = fmt.Errorf("is not YAML: %w", err)
		return doc
	}
	doc.kind, doc.name = meta.Kind, meta.Metadata.Name
	newObject, known := knownKinds[meta.APIVersion+"/"+meta.Kind]
	switch {
	case meta.Kind == "Secret":
		doc.decodeErr = errors.New("a Secret does not belong in the repository: create it on the cluster as k8s/README.md says")
		return doc
	case !known:
		doc.decodeErr = fmt.Errorf("unknown kind %q of apiVersion %q: the stage uses only %s", meta.Kind, meta.APIVersion, knownKindList())
		return doc
	}
	object := newObject()
	if err := yaml.UnmarshalStrict(raw, object); err != nil {
		// The decoder's own prefixes say nothing a reader needs.
		reason := strings.TrimPrefix(err.Error(), "error unmarshaling JSON: while decoding JSON: ")
		doc.decodeErr = fmt.Errorf("does not decode as %s %s: %s", meta.APIVersion, meta.Kind, strings.TrimPrefix(reason, "json: "))
		return doc
	}
	doc.object = object
	doc.name = object.(metav1.Object).GetName()
	if doc.name == "" {
		doc.decodeErr = errors.New("has no metadata.name")
	}
	return doc
}

func knownKindList() string {
	names := make([]string, 0, len(knownKinds))
	for name := range knownKinds {
		names = append(names, name)
	}
	slices.Sort(names)
	return strings.Join(names, ", ")
}
