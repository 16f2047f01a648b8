package main

import (
	"fmt"
	"math"
	"slices"
	"strconv"

	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
)

// The stage's probe routes (packages/conduit/src/http/health-routes.ts): readiness answers 503 while the replica
// drains, liveness never touches a dependency (an outage of Postgres must not restart every pod at once).
const (
	readinessPath = "/api/ready"
	livenessPath  = "/api/health"
)

func (c *checker) checkDeployment(deployment *appsv1.Deployment) []string {
	reasons := c.checkPodTemplate(deployment.Name, deployment.ObjectMeta, &deployment.Spec.Template)
	if !slices.Contains(c.deploymentsSelectedBy(labelSelector(deployment.Spec.Selector)), deployment) {
		reasons = append(reasons, "spec.selector does not match the pod template's labels")
	}
	service, _ := c.composeService(deployment.Name)
	switch want := service.Deploy.Replicas; {
	// kubectl apply would reset the HPA's count to this number on every deploy.
	case c.autoscalerOf(deployment) != nil && deployment.Spec.Replicas != nil:
		reasons = append(reasons, "sets spec.replicas, but its HorizontalPodAutoscaler owns the count: remove spec.replicas")
	case c.autoscalerOf(deployment) == nil && want != nil && (deployment.Spec.Replicas == nil || *deployment.Spec.Replicas != *want):
		reasons = append(reasons, fmt.Sprintf("spec.replicas is %s: set %d, compose service %s's deploy.replicas", int32PointerString(deployment.Spec.Replicas), *want, deployment.Name))
	}
	if c.isServed(deployment) && onlyContainer(&deployment.Spec.Template) != nil {
		reasons = append(reasons, c.checkServedPod(&deployment.Spec.Template)...)
	}
	return reasons
}

// checkPodTemplate: the pod runs what the compose service runs (image, command, every variable), within the same
// limits, as a non-root user on a read-only root file system.
func (c *checker) checkPodTemplate(name string, workload metav1.ObjectMeta, template *corev1.PodTemplateSpec) []string {
	service, err := c.composeService(name)
	if err != nil {
		return []string{err.Error()}
	}
	container := onlyContainer(template)
	if container == nil {
		return []string{fmt.Sprintf("runs %d containers: the stage's pods run one", len(template.Spec.Containers))}
	}
	var reasons []string
	if service.Image != "" && container.Image != service.Image {
		reasons = append(reasons, fmt.Sprintf("runs image %q, compose service %s runs %q", container.Image, name, service.Image))
	}
	if command, _ := service.command(); command != nil && !slices.Equal(container.Command, command) {
		reasons = append(reasons, fmt.Sprintf("runs command %q, compose service %s runs %q", container.Command, name, command))
	}
	reasons = append(reasons, c.checkResources(name, service, container)...)
	reasons = append(reasons, checkSecurity(&template.Spec, container)...)
	reasons = append(reasons, c.checkEnvironment(name, service, container, workload)...)
	if service.StopGracePeriod != "" {
		grace, err := service.stopGraceSeconds()
		if err != nil {
			reasons = append(reasons, fmt.Sprintf("compose service %s %v", name, err))
		} else if got := template.Spec.TerminationGracePeriodSeconds; got == nil || *got != grace {
			reasons = append(reasons, fmt.Sprintf("terminationGracePeriodSeconds is %s: set %d, compose service %s's stop_grace_period", int64PointerString(got), grace, name))
		}
	}
	return reasons
}

// checkResources: requests equal limits (the Guaranteed class: a replica gets the CPU it was sized for, as a
// cgroup quota gives it natively), and the limits are compose's.
func (c *checker) checkResources(name string, service composeService, container *corev1.Container) []string {
	var reasons []string
	limits, requests := container.Resources.Limits, container.Resources.Requests
	for _, resource := range []corev1.ResourceName{corev1.ResourceCPU, corev1.ResourceMemory} {
		limit, hasLimit := limits[resource]
		request, hasRequest := requests[resource]
		if !hasLimit || !hasRequest || limit.Cmp(request) != 0 {
			reasons = append(reasons, fmt.Sprintf("resources: set %s requests equal to its limits", resource))
		}
	}
	millis, ok, err := service.cpuMillis()
	if err != nil {
		reasons = append(reasons, fmt.Sprintf("compose service %s %v", name, err))
	} else if cpu := limits[corev1.ResourceCPU]; ok && cpu.MilliValue() != millis {
		reasons = append(reasons, fmt.Sprintf("cpu limit is %s: set %dm, compose service %s's cpus x 1000m", cpu.String(), millis, name))
	}
	bytes, ok, err := service.memoryBytes()
	if err != nil {
		reasons = append(reasons, fmt.Sprintf("compose service %s %v", name, err))
	} else if memory := limits[corev1.ResourceMemory]; ok && memory.Value() != bytes {
		reasons = append(reasons, fmt.Sprintf("memory limit is %s (%d bytes): set %dMi, compose service %s's memory limit", memory.String(), memory.Value(), bytes>>20, name))
	}
	return reasons
}

func checkSecurity(pod *corev1.PodSpec, container *corev1.Container) []string {
	var reasons []string
	podContext, containerContext := pod.SecurityContext, container.SecurityContext
	nonRoot := (containerContext != nil && isTrue(containerContext.RunAsNonRoot)) ||
		(podContext != nil && isTrue(podContext.RunAsNonRoot))
	if !nonRoot {
		reasons = append(reasons, "securityContext: set runAsNonRoot: true (the image runs as its node user)")
	}
	if containerContext == nil || !isTrue(containerContext.ReadOnlyRootFilesystem) {
		reasons = append(reasons, "container securityContext: set readOnlyRootFilesystem: true")
	}
	if containerContext == nil || containerContext.AllowPrivilegeEscalation == nil || *containerContext.AllowPrivilegeEscalation {
		reasons = append(reasons, "container securityContext: set allowPrivilegeEscalation: false")
	}
	// What the restricted Pod Security Standard (the Namespace enforces it) asks besides: admission refuses the pod.
	if containerContext == nil || containerContext.Capabilities == nil || !slices.Contains(containerContext.Capabilities.Drop, "ALL") {
		reasons = append(reasons, "container securityContext: drop ALL capabilities")
	}
	seccomp := pod.SecurityContext != nil && pod.SecurityContext.SeccompProfile != nil &&
		pod.SecurityContext.SeccompProfile.Type == corev1.SeccompProfileTypeRuntimeDefault
	if !seccomp && (containerContext == nil || containerContext.SeccompProfile == nil ||
		containerContext.SeccompProfile.Type != corev1.SeccompProfileTypeRuntimeDefault) {
		reasons = append(reasons, "securityContext: set seccompProfile type RuntimeDefault")
	}
	return reasons
}

// checkServedPod: the probes are the stage's routes, and a pod told to stop keeps serving while it leaves the
// Service's endpoints (preStop) and then drains as it does behind nginx (DRAIN_DELAY_MS).
func (c *checker) checkServedPod(template *corev1.PodTemplateSpec) []string {
	container := onlyContainer(template)
	reasons := c.checkProbe(template, "readinessProbe", container.ReadinessProbe, readinessPath)
	reasons = append(reasons, c.checkProbe(template, "livenessProbe", container.LivenessProbe, livenessPath)...)

	environment, _ := c.containerEnvironment(container, nil)
	drainMs, err := strconv.ParseInt(environment["DRAIN_DELAY_MS"].value, 10, 64)
	if err != nil {
		return append(reasons, "env: set DRAIN_DELAY_MS in the ConfigMap, so that the preStop sleep can match it")
	}
	drainSeconds := int64(math.Ceil(float64(drainMs) / 1000))
	lifecycle := container.Lifecycle
	if lifecycle == nil || lifecycle.PreStop == nil || lifecycle.PreStop.Sleep == nil {
		return append(reasons, fmt.Sprintf("lifecycle.preStop: sleep %d seconds (DRAIN_DELAY_MS %d), so the pod serves while it leaves the endpoints", drainSeconds, drainMs))
	}
	sleep := lifecycle.PreStop.Sleep.Seconds
	if sleep != drainSeconds {
		reasons = append(reasons, fmt.Sprintf("lifecycle.preStop sleeps %d seconds: set %d, DRAIN_DELAY_MS %d rounded up", sleep, drainSeconds, drainMs))
	}
	if grace := template.Spec.TerminationGracePeriodSeconds; grace != nil && *grace <= sleep+drainSeconds {
		reasons = append(reasons, fmt.Sprintf("terminationGracePeriodSeconds %d leaves no time to finish requests after the preStop sleep (%d s) and the drain (%d s)", *grace, sleep, drainSeconds))
	}
	return reasons
}

func (c *checker) checkProbe(template *corev1.PodTemplateSpec, field string, probe *corev1.Probe, want string) []string {
	if probe == nil || probe.HTTPGet == nil {
		return []string{fmt.Sprintf("%s: probe with httpGet %s", field, want)}
	}
	var reasons []string
	path := probe.HTTPGet.Path
	if path != want {
		reasons = append(reasons, fmt.Sprintf("%s path %s: the stage's %s route is %s", field, path, field[:len(field)-len("Probe")], want))
	}
	if c.apiPaths != nil && !c.apiPaths[path] {
		reasons = append(reasons, fmt.Sprintf("%s path %s is not a GET route of the API (its OpenAPI document)", field, path))
	}
	if containerPort(template, probe.HTTPGet.Port.String()) == nil {
		reasons = append(reasons, fmt.Sprintf("%s port %s is not a port of the container", field, probe.HTTPGet.Port.String()))
	}
	if probe.PeriodSeconds <= 0 || probe.TimeoutSeconds <= 0 || probe.FailureThreshold <= 0 {
		reasons = append(reasons, fmt.Sprintf("%s: set periodSeconds, timeoutSeconds and failureThreshold, so the README's timings are the cluster's", field))
	}
	return reasons
}

// containerPort finds a port of the pod's container by name or number.
func containerPort(template *corev1.PodTemplateSpec, nameOrNumber string) *corev1.ContainerPort {
	for _, container := range template.Spec.Containers {
		for i, port := range container.Ports {
			if port.Name == nameOrNumber || strconv.Itoa(int(port.ContainerPort)) == nameOrNumber {
				return &container.Ports[i]
			}
		}
	}
	return nil
}

func isTrue(value *bool) bool { return value != nil && *value }

func int64PointerString(value *int64) string {
	if value == nil {
		return "unset"
	}
	return strconv.FormatInt(*value, 10)
}
