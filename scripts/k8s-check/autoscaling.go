package main

import (
	"fmt"
	"math"

	autoscalingv2 "k8s.io/api/autoscaling/v2"
	corev1 "k8s.io/api/core/v1"
	policyv1 "k8s.io/api/policy/v1"
)

// The compose service whose environment holds the stage's autoscaling policy (services/autoscaler).
const autoscalerService = "autoscaler"

// autoscalerPolicy is the stage's policy as the compose file configures its autoscaler by default.
type autoscalerPolicy struct {
	service                           string
	minReplicas, maxReplicas          float64
	cpuPerReplica                     float64
	scaleOutAbove, scaleInBelow       float64
	scaleOutWindow, scaleInWindow     float64
	scaleOutCooldown, scaleInCooldown float64
}

func (c *checker) autoscalerPolicy() (*autoscalerPolicy, error) {
	service, err := c.composeService(autoscalerService)
	if err != nil {
		return nil, err
	}
	policy := &autoscalerPolicy{}
	policy.service, err = service.defaultEnv("AUTOSCALER_SERVICE")
	if err != nil {
		return nil, fmt.Errorf("compose service %s %w", autoscalerService, err)
	}
	numbers := map[string]*float64{
		"AUTOSCALER_MIN_REPLICAS":               &policy.minReplicas,
		"AUTOSCALER_MAX_REPLICAS":               &policy.maxReplicas,
		"AUTOSCALER_CPU_PER_REPLICA":            &policy.cpuPerReplica,
		"AUTOSCALER_SCALE_OUT_ABOVE":            &policy.scaleOutAbove,
		"AUTOSCALER_SCALE_IN_BELOW":             &policy.scaleInBelow,
		"AUTOSCALER_SCALE_OUT_WINDOW_SECONDS":   &policy.scaleOutWindow,
		"AUTOSCALER_SCALE_IN_WINDOW_SECONDS":    &policy.scaleInWindow,
		"AUTOSCALER_SCALE_OUT_COOLDOWN_SECONDS": &policy.scaleOutCooldown,
		"AUTOSCALER_SCALE_IN_COOLDOWN_SECONDS":  &policy.scaleInCooldown,
	}
	for key, target := range numbers {
		if *target, err = service.defaultEnvNumber(key); err != nil {
			return nil, fmt.Errorf("compose service %s %w", autoscalerService, err)
		}
	}
	return policy, nil
}

// checkAutoscaler: the HPA applies the stage's policy. Target tracking has one target where the stage's policy
// has a band, so the band's edges become the two tolerances: scale out above the target, in below the band's
// lower edge (k8s/README.md explains the rest of the mapping).
func (c *checker) checkAutoscaler(hpa *autoscalingv2.HorizontalPodAutoscaler) []string {
	policy, err := c.autoscalerPolicy()
	if err != nil {
		return []string{err.Error()}
	}
	spec := hpa.Spec
	var reasons []string
	fail := func(format string, args ...any) { reasons = append(reasons, fmt.Sprintf(format, args...)) }

	target := spec.ScaleTargetRef
	if target.APIVersion != "apps/v1" || target.Kind != "Deployment" || c.deployment(target.Name) == nil {
		fail("scaleTargetRef names %s %s/%s, which no manifest defines", target.APIVersion, target.Kind, target.Name)
	} else if target.Name != policy.service {
		fail("scales Deployment/%s, the autoscaler scales %s (AUTOSCALER_SERVICE in compose)", target.Name, policy.service)
	} else if container := onlyContainer(&c.deployment(target.Name).Spec.Template); container == nil {
		fail("Deployment/%s must run one container, whose CPU request the utilization is relative to", target.Name)
	} else if cpu := container.Resources.Requests[corev1.ResourceCPU]; cpu.MilliValue() != int64(math.Round(policy.cpuPerReplica*1000)) {
		// HPA's utilization is relative to the request, the autoscaler's to AUTOSCALER_CPU_PER_REPLICA.
		fail("Deployment/%s requests %s cpu: utilization means the same only at AUTOSCALER_CPU_PER_REPLICA %g", target.Name, cpu.String(), policy.cpuPerReplica)
	}

	if spec.MinReplicas == nil || float64(*spec.MinReplicas) != policy.minReplicas {
		fail("minReplicas is %s: set %g (AUTOSCALER_MIN_REPLICAS in compose)", int32PointerString(spec.MinReplicas), policy.minReplicas)
	}
	if float64(spec.MaxReplicas) != policy.maxReplicas {
		fail("maxReplicas is %d: set %g (AUTOSCALER_MAX_REPLICAS in compose)", spec.MaxReplicas, policy.maxReplicas)
	}
	wantUtilization := math.Round(policy.scaleOutAbove * 100)
	if utilization, ok := cpuUtilizationTarget(spec.Metrics); !ok {
		fail("metrics: set one Resource metric, cpu, with target type Utilization and averageUtilization %g", wantUtilization)
	} else if float64(utilization) != wantUtilization {
		fail("cpu averageUtilization is %d: set %g, the autoscaler scales out above %g%% (AUTOSCALER_SCALE_OUT_ABOVE %g in compose)", utilization, wantUtilization, wantUtilization, policy.scaleOutAbove)
	}

	if spec.Behavior == nil || spec.Behavior.ScaleUp == nil || spec.Behavior.ScaleDown == nil {
		fail("behavior: set scaleUp and scaleDown, the autoscaler's windows and cooldowns")
		return reasons
	}
	up, down := spec.Behavior.ScaleUp, spec.Behavior.ScaleDown
	checkWindow := func(direction string, rules *autoscalingv2.HPAScalingRules, want float64, key string) {
		if got := rules.StabilizationWindowSeconds; got == nil || float64(*got) != want {
			fail("behavior.%s.stabilizationWindowSeconds is %s: set %g (%s in compose)", direction, int32PointerString(got), want, key)
		}
	}
	checkWindow("scaleUp", up, policy.scaleOutWindow, "AUTOSCALER_SCALE_OUT_WINDOW_SECONDS")
	checkWindow("scaleDown", down, policy.scaleInWindow, "AUTOSCALER_SCALE_IN_WINDOW_SECONDS")

	if len(up.Policies) != 1 || float64(up.Policies[0].PeriodSeconds) != policy.scaleOutCooldown {
		fail("behavior.scaleUp.policies: set one policy with periodSeconds %g (AUTOSCALER_SCALE_OUT_COOLDOWN_SECONDS in compose)", policy.scaleOutCooldown)
	}
	if len(down.Policies) != 1 || down.Policies[0].Type != autoscalingv2.PodsScalingPolicy || down.Policies[0].Value != 1 ||
		float64(down.Policies[0].PeriodSeconds) != policy.scaleInCooldown {
		fail("behavior.scaleDown.policies: set one policy, type Pods, value 1, periodSeconds %g (the autoscaler removes one replica per AUTOSCALER_SCALE_IN_COOLDOWN_SECONDS)", policy.scaleInCooldown)
	}

	if got, ok := tolerance(up); !ok || got != 0 {
		fail("behavior.scaleUp.tolerance: set 0, so that any utilization above the target scales out (the cluster's default tolerance is 10%%)")
	}
	wantDown := 1 - policy.scaleInBelow/policy.scaleOutAbove
	if got, ok := tolerance(down); !ok || math.Abs(got-wantDown) > 0.005 {
		fail("behavior.scaleDown.tolerance: set %.3f, so that the HPA scales in below %g%% (1 - AUTOSCALER_SCALE_IN_BELOW / AUTOSCALER_SCALE_OUT_ABOVE)", wantDown, math.Round(policy.scaleInBelow*100))
	}
	return reasons
}

func cpuUtilizationTarget(metrics []autoscalingv2.MetricSpec) (int32, bool) {
	if len(metrics) != 1 || metrics[0].Type != autoscalingv2.ResourceMetricSourceType || metrics[0].Resource == nil {
		return 0, false
	}
	resource := metrics[0].Resource
	if resource.Name != corev1.ResourceCPU || resource.Target.Type != autoscalingv2.UtilizationMetricType ||
		resource.Target.AverageUtilization == nil {
		return 0, false
	}
	return *resource.Target.AverageUtilization, true
}

func tolerance(rules *autoscalingv2.HPAScalingRules) (float64, bool) {
	if rules.Tolerance == nil {
		return 0, false
	}
	return rules.Tolerance.AsApproximateFloat64(), true
}

// checkDisruptionBudget: a drain of a node may take one replica at a time, never the last ones.
func (c *checker) checkDisruptionBudget(budget *policyv1.PodDisruptionBudget) []string {
	selected := c.deploymentsSelectedBy(labelSelector(budget.Spec.Selector))
	if len(selected) != 1 {
		return []string{fmt.Sprintf("spec.selector matches the pods of %d Deployments: it must match exactly one", len(selected))}
	}
	minAvailable, maxUnavailable := budget.Spec.MinAvailable, budget.Spec.MaxUnavailable
	if (minAvailable == nil) == (maxUnavailable == nil) {
		return []string{"set exactly one of minAvailable and maxUnavailable"}
	}
	if maxUnavailable != nil {
		if maxUnavailable.String() != "1" {
			return []string{fmt.Sprintf("maxUnavailable is %s: set 1, one replica at a time", maxUnavailable.String())}
		}
		return nil
	}
	// More than one would block every node drain while the HPA keeps its minimum of two replicas.
	if minAvailable.String() != "1" {
		return []string{fmt.Sprintf("minAvailable is %s: set 1, or a node drain could not evict a replica at the HPA's minimum", minAvailable.String())}
	}
	return nil
}

func int32PointerString(value *int32) string {
	if value == nil {
		return "unset"
	}
	return fmt.Sprint(*value)
}
