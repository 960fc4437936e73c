// Package plugins is the registry behind --enable-admission-plugins and
// --disable-admission-plugins: it knows each plugin's name, how to build it from shared
// dependencies, whether Kubernetes enables it by default, and where Kubernetes puts it in the
// chain. A chain is always in Kubernetes' order, whatever the order of the flags: the namespace
// lifecycle first, mutating plugins next, then webhooks, and ResourceQuota last among the
// validators, so that quota is only charged for what everything else admitted.
//
// Built in are NamespaceLifecycle, LimitRanger, ServiceAccount, PodSecurity,
// DefaultTolerationSeconds and ResourceQuota, all enabled by default as in Kubernetes. Plugins
// written elsewhere (NodeRestriction, Initializers, the admission webhooks, RBACEscalation) are
// added with Register.
//
//	reg := plugins.New()
//	_ = reg.Register(noderestriction.PluginName, func(d plugins.Deps) (admission.Plugin, error) {
//		return noderestriction.New(d.Store), nil
//	})
//	chain, err := reg.Build(cfg.EnablePlugins, cfg.DisablePlugins, plugins.Deps{Store: st, Clock: clk})
//	if err != nil {
//		return err // enable-admission-plugins plugin "Foo" is unknown (known plugins: ...)
//	}
//	server := apiserver.New(apiserver.Config{Admission: chain, ...})
package plugins
