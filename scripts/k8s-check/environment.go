package main

import (
	"fmt"
	"slices"
	"strings"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
)

// differsAnnotation lists, on a ConfigMap or a workload, the variables whose value on a cluster is meant to differ
// from compose's (NODE_ENV, a collector's address...), each with its reason in a comment beside it. Every other
// value must be compose's, so that a setting changed in compose (a heap size, a TTL) cannot be forgotten here.
const differsAnnotation = "scaling-conduit/differs-from-compose"

// envValue is what a container gets for one variable, and from where.
type envValue struct {
	value      string
	fromSecret bool
	// Declared in differsAnnotation where the value is set.
	mayDiffer bool
	origin    string
	// Where differsAnnotation would declare it.
	annotated string
}

// checkEnvironment: every variable the compose service sets reaches the container, from its ConfigMap, a Secret
// key or its own env, with compose's value unless declared different; a ConfigMap it names must exist.
func (c *checker) checkEnvironment(name string, service composeService, container *corev1.Container, workload metav1.ObjectMeta) []string {
	provided, reasons := c.containerEnvironment(container, &workload)
	for key, raw := range service.environment() {
		got, ok := provided[key]
		if !ok {
			reasons = append(reasons, fmt.Sprintf("env: compose service %s sets %s, which the container gets from neither its ConfigMap, a secretKeyRef nor env", name, key))
			continue
		}
		// Nothing to compare: a secret's value is not here, and compose may take one from the shell with no default.
		want, err := interpolateDefaults(raw)
		if got.fromSecret || got.mayDiffer || err != nil || got.value == want {
			continue
		}
		reasons = append(reasons, fmt.Sprintf("env %s is %q in %s, compose service %s sets %q: set the same, or list %s in the annotation %s of %s with the reason beside it",
			key, got.value, got.origin, name, want, key, differsAnnotation, got.annotated))
	}
	slices.Sort(reasons)
	return reasons
}

// containerEnvironment maps each variable the container gets to its value; workload holds the annotation that
// declares its literal env values different from compose's (nil when that does not matter).
func (c *checker) containerEnvironment(container *corev1.Container, workload *metav1.ObjectMeta) (map[string]envValue, []string) {
	provided := map[string]envValue{}
	var reasons []string
	for _, source := range container.EnvFrom {
		switch {
		case source.ConfigMapRef != nil:
			configMap := c.configMap(source.ConfigMapRef.Name)
			if configMap == nil {
				reasons = append(reasons, fmt.Sprintf("envFrom names ConfigMap/%s, which no manifest defines", source.ConfigMapRef.Name))
				continue
			}
			differs := declaredDifferences(configMap.Annotations)
			for key, value := range configMap.Data {
				origin := "ConfigMap/" + configMap.Name
				provided[source.Prefix+key] = envValue{value: value, mayDiffer: differs[key], origin: origin, annotated: origin}
			}
		case source.SecretRef != nil:
			reasons = append(reasons, "envFrom takes a whole Secret: name each key with a secretKeyRef, so that k8s/README.md can list them")
		}
	}
	var workloadDiffers map[string]bool
	if workload != nil {
		workloadDiffers = declaredDifferences(workload.Annotations)
	}
	for _, variable := range container.Env {
		switch from := variable.ValueFrom; {
		case from == nil:
			provided[variable.Name] = envValue{
				value:     variable.Value,
				mayDiffer: workloadDiffers[variable.Name],
				origin:    "the container's env",
				annotated: "this object",
			}
		case from.ConfigMapKeyRef != nil:
			configMap := c.configMap(from.ConfigMapKeyRef.Name)
			if configMap == nil {
				reasons = append(reasons, fmt.Sprintf("env %s names ConfigMap/%s, which no manifest defines", variable.Name, from.ConfigMapKeyRef.Name))
				continue
			}
			provided[variable.Name] = envValue{
				value:     configMap.Data[from.ConfigMapKeyRef.Key],
				mayDiffer: declaredDifferences(configMap.Annotations)[from.ConfigMapKeyRef.Key],
				origin:    "ConfigMap/" + configMap.Name,
				annotated: "ConfigMap/" + configMap.Name,
			}
		default:
			provided[variable.Name] = envValue{fromSecret: from.SecretKeyRef != nil, mayDiffer: true}
		}
	}
	return provided, reasons
}

func declaredDifferences(annotations map[string]string) map[string]bool {
	declared := map[string]bool{}
	for key := range strings.SplitSeq(annotations[differsAnnotation], ",") {
		if key = strings.TrimSpace(key); key != "" {
			declared[key] = true
		}
	}
	return declared
}
