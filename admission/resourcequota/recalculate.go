package resourcequota

import (
	"context"
	"fmt"
	"strings"

	"github.com/skiff-io/skiff/api/core"
	"github.com/skiff-io/skiff/api/meta"
	"github.com/skiff-io/skiff/api/resource"
	"github.com/skiff-io/skiff/store"
)

// Recalculate recomputes the status of every ResourceQuota in namespace from the objects stored
// there, as Kubernetes' resource quota controller does on each sync: status.hard becomes spec.hard,
// and status.used becomes what the namespace's objects use of each hard resource.
//
// It is the controller's half of quota, which StatusSync runs when needed. Admission only ever
// charges: usage freed by deleted or finished pods, and charges for objects that failed to be
// stored after admission, come back only when Recalculate runs. A new quota limits nothing until
// Recalculate has filled its status.
//
// Usage is counted from one read of the store, then written with a compare-and-swap per quota; a
// request admitted between the two is charged on top of a count that cannot include its object
// yet, so it is counted twice until the next Recalculate, the same window Kubernetes has. Names
// Recalculate cannot count (a count/ of a resource the registry does not know, or a quota name no
// evaluator tracks) keep their last used value.
func Recalculate(ctx context.Context, st store.Store, namespace string, opts Options) error {
	opts.setDefaults()
	quotas, _, err := store.ListAs[*core.ResourceQuota](ctx, st, store.Prefix("resourcequotas", namespace), store.ListOptions{})
	if err != nil {
		return fmt.Errorf("resourcequota: listing quotas of %s: %w", namespace, err)
	}
	c := &counter{ctx: ctx, st: st, namespace: namespace, opts: opts, counts: map[string]int64{}}
	for _, q := range quotas {
		used, err := c.usage(q)
		if err != nil {
			return err
		}
		key := store.Key("resourcequotas", namespace, q.Name)
		_, err = st.GuaranteedUpdate(ctx, key, nil, func(cur meta.Object) (meta.Object, error) {
			cq, ok := cur.(*core.ResourceQuota)
			if !ok {
				return nil, fmt.Errorf("resourcequota: %s holds a %T", key, cur)
			}
			next := cq.DeepCopy()
			next.Status.Hard = cq.Spec.Hard.DeepCopy()
			next.Status.Used = core.ResourceList{}
			for name := range cq.Spec.Hard {
				if u, ok := used[name]; ok {
					next.Status.Used[name] = u
				} else if old, ok := cq.Status.Used[name]; ok {
					next.Status.Used[name] = old
				}
			}
			return next, nil
		})
		if err != nil && !store.IsNotFound(err) {
			return fmt.Errorf("resourcequota: updating status of quota %s/%s: %w", namespace, q.Name, err)
		}
	}
	return nil
}

// counter measures a namespace's usage, reading each resource's objects at most once.
type counter struct {
	ctx       context.Context
	st        store.Store
	namespace string
	opts      Options
	pods      []*core.Pod
	podsRead  bool
	counts    map[string]int64 // store prefix: number of objects
}

// usage returns the used amount of each hard resource of q that can be counted.
func (c *counter) usage(q *core.ResourceQuota) (core.ResourceList, error) {
	hard := names(q.Spec.Hard)
	used := core.ResourceList{}
	pe := podEvaluator{clock: c.opts.Clock}
	if podNames := pe.matchingResources(hard); len(podNames) > 0 {
		if err := c.readPods(); err != nil {
			return nil, err
		}
		total := core.ResourceList{}
		for _, n := range podNames {
			total[n] = resource.Quantity{}
		}
		selectors := scopeSelectors(q)
	pods:
		for _, pod := range c.pods {
			for _, sel := range selectors {
				if ok, err := pe.matchesScope(sel, pod); err != nil || !ok {
					continue pods
				}
			}
			addList(total, mask(PodUsage(pod, c.opts.Clock.Now()), podNames))
		}
		for n, v := range total {
			used[n] = v
		}
	}
	for _, n := range hard {
		if _, ok := used[n]; ok {
			continue
		}
		group, res, ok := countedResource(n)
		if !ok {
			continue
		}
		if len(scopeSelectors(q)) > 0 {
			// Scopes select pods only: a scoped quota counts no other objects.
			used[n] = resource.NewQuantity(0, resource.DecimalSI)
			continue
		}
		k, err := c.opts.Kinds.ResourceFor(group, res)
		if err != nil {
			continue // not a resource this server knows: keep the last value
		}
		count, err := c.count(store.Prefix(k.KeyPrefix(), c.namespace))
		if err != nil {
			return nil, err
		}
		used[n] = resource.NewQuantity(count, resource.DecimalSI)
	}
	return used, nil
}

// countedResource maps an object-count quota name to its group and resource: count/<resource>,
// count/<resource>.<group>, or one of the legacy core names (configmaps, secrets, ...).
func countedResource(n core.ResourceName) (group, res string, ok bool) {
	if rest, found := strings.CutPrefix(string(n), "count/"); found {
		res, group, _ = strings.Cut(rest, ".")
		return group, res, res != ""
	}
	for r, legacy := range legacyCountNames {
		if legacy == n {
			return core.GroupName, r, true
		}
	}
	return "", "", false
}

func (c *counter) readPods() error {
	if c.podsRead {
		return nil
	}
	pods, _, err := store.ListAs[*core.Pod](c.ctx, c.st, store.Prefix("pods", c.namespace), store.ListOptions{})
	if err != nil {
		return fmt.Errorf("resourcequota: listing pods of %s: %w", c.namespace, err)
	}
	c.pods, c.podsRead = pods, true
	return nil
}

func (c *counter) count(prefix string) (int64, error) {
	if n, ok := c.counts[prefix]; ok {
		return n, nil
	}
	res, err := c.st.List(c.ctx, prefix, store.ListOptions{})
	if err != nil {
		return 0, fmt.Errorf("resourcequota: counting %s: %w", prefix, err)
	}
	n := int64(len(res.Items))
	c.counts[prefix] = n
	return n, nil
}
