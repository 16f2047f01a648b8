package main

import (
	"fmt"

	appsv1 "k8s.io/api/apps/v1"
	autoscalingv2 "k8s.io/api/autoscaling/v2"
	batchv1 "k8s.io/api/batch/v1"
	corev1 "k8s.io/api/core/v1"
	policyv1 "k8s.io/api/policy/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/labels"
)

// checker holds every decoded document, so that a check of one object can look at the objects it refers to
// (the Deployment an HPA scales, the ConfigMap a pod reads), and the compose file the manifests must agree with.
type checker struct {
	compose     *composeFile
	composePath string
	// The API's paths from its OpenAPI document; nil when none was given.
	apiPaths  map[string]bool
	documents []*document
}

func (c *checker) check(doc *document) []string {
	if doc.decodeErr != nil {
		return []string{doc.decodeErr.Error()}
	}
	reasons := c.checkNamespace(doc)
	switch object := doc.object.(type) {
	case *appsv1.Deployment:
		reasons = append(reasons, c.checkDeployment(object)...)
	case *batchv1.Job:
		reasons = append(reasons, c.checkPodTemplate(object.Name, object.ObjectMeta, &object.Spec.Template)...)
	case *corev1.Service:
		reasons = append(reasons, c.checkService(object)...)
	case *autoscalingv2.HorizontalPodAutoscaler:
		reasons = append(reasons, c.checkAutoscaler(object)...)
	case *policyv1.PodDisruptionBudget:
		reasons = append(reasons, c.checkDisruptionBudget(object)...)
	}
	return reasons
}

// checkNamespace: every object lives in the one Namespace the manifests create.
func (c *checker) checkNamespace(doc *document) []string {
	var namespaces []string
	for _, other := range c.documents {
		if namespace, ok := other.object.(*corev1.Namespace); ok {
			namespaces = append(namespaces, namespace.Name)
		}
	}
	if len(namespaces) != 1 {
		return []string{fmt.Sprintf("the manifests create %d Namespaces %v: create exactly one, which every object names", len(namespaces), namespaces)}
	}
	if _, isNamespace := doc.object.(*corev1.Namespace); isNamespace {
		return nil
	}
	if got := doc.object.(metav1.Object).GetNamespace(); got != namespaces[0] {
		return []string{fmt.Sprintf("metadata.namespace is %q: set it to %q, the Namespace the manifests create", got, namespaces[0])}
	}
	return nil
}

func (c *checker) checkService(service *corev1.Service) []string {
	selected := c.deploymentsSelectedBy(setSelector(service.Spec.Selector))
	if len(selected) != 1 {
		return []string{fmt.Sprintf("selector %v matches the pods of %d Deployments: it must match exactly one", service.Spec.Selector, len(selected))}
	}
	var reasons []string
	for _, port := range service.Spec.Ports {
		if containerPort(&selected[0].Spec.Template, port.TargetPort.String()) == nil {
			reasons = append(reasons, fmt.Sprintf("port %q targets %s, which no container of Deployment/%s declares", port.Name, port.TargetPort.String(), selected[0].Name))
		}
	}
	return reasons
}

func (c *checker) deployments() []*appsv1.Deployment {
	var deployments []*appsv1.Deployment
	for _, doc := range c.documents {
		if deployment, ok := doc.object.(*appsv1.Deployment); ok {
			deployments = append(deployments, deployment)
		}
	}
	return deployments
}

func (c *checker) deployment(name string) *appsv1.Deployment {
	for _, deployment := range c.deployments() {
		if deployment.Name == name {
			return deployment
		}
	}
	return nil
}

// deploymentsSelectedBy: the Deployments whose pods the selector matches; a missing or empty selector matches none.
func (c *checker) deploymentsSelectedBy(selector labels.Selector) []*appsv1.Deployment {
	if selector == nil || selector.Empty() {
		return nil
	}
	var selected []*appsv1.Deployment
	for _, deployment := range c.deployments() {
		if selector.Matches(labels.Set(deployment.Spec.Template.Labels)) {
			selected = append(selected, deployment)
		}
	}
	return selected
}

// isServed: a Service sends traffic to the Deployment's pods, so they need the probes and the drain.
func (c *checker) isServed(deployment *appsv1.Deployment) bool {
	for _, doc := range c.documents {
		if service, ok := doc.object.(*corev1.Service); ok {
			for _, selected := range c.deploymentsSelectedBy(setSelector(service.Spec.Selector)) {
				if selected == deployment {
					return true
				}
			}
		}
	}
	return false
}

func (c *checker) autoscalerOf(deployment *appsv1.Deployment) *autoscalingv2.HorizontalPodAutoscaler {
	for _, doc := range c.documents {
		if hpa, ok := doc.object.(*autoscalingv2.HorizontalPodAutoscaler); ok &&
			hpa.Spec.ScaleTargetRef.Kind == "Deployment" && hpa.Spec.ScaleTargetRef.Name == deployment.Name {
			return hpa
		}
	}
	return nil
}

func (c *checker) configMap(name string) *corev1.ConfigMap {
	for _, doc := range c.documents {
		if configMap, ok := doc.object.(*corev1.ConfigMap); ok && configMap.Name == name {
			return configMap
		}
	}
	return nil
}

func (c *checker) composeService(name string) (composeService, error) {
	service, ok := c.compose.Services[name]
	if !ok {
		return service, fmt.Errorf("the compose file %s has no service %q: name the object after the compose service it runs", c.composePath, name)
	}
	return service, nil
}

// setSelector is a Service's selector: every label must match.
func setSelector(set map[string]string) labels.Selector {
	if len(set) == 0 {
		return nil
	}
	return labels.SelectorFromSet(set)
}

// labelSelector is a Deployment's or a PodDisruptionBudget's selector (matchLabels and matchExpressions).
func labelSelector(selector *metav1.LabelSelector) labels.Selector {
	if selector == nil {
		return nil
	}
	converted, err := metav1.LabelSelectorAsSelector(selector)
	if err != nil {
		return nil
	}
	return converted
}

// onlyContainer is the pod's container, or nil when it has not exactly one (checkPodTemplate says so).
func onlyContainer(template *corev1.PodTemplateSpec) *corev1.Container {
	if len(template.Spec.Containers) != 1 {
		return nil
	}
	return &template.Spec.Containers[0]
}
