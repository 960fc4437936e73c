package apiserver

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"slices"
	"strings"

	"github.com/skiff-io/skiff/admission"
	"github.com/skiff-io/skiff/api"
	"github.com/skiff-io/skiff/api/apierrors"
	"github.com/skiff-io/skiff/api/authentication"
	"github.com/skiff-io/skiff/api/authorization"
	"github.com/skiff-io/skiff/api/fields"
	"github.com/skiff-io/skiff/api/labels"
	"github.com/skiff-io/skiff/api/meta"
	"github.com/skiff-io/skiff/audit"
	"github.com/skiff-io/skiff/authn"
	"github.com/skiff-io/skiff/authz"
)

// CreateFunc answers the create of a virtual kind (api.Kind.Virtual), whose objects are never
// stored. It gets the decoded object, already admitted and validated by the kind's Validate, with
// its namespace set from the URL for a namespaced kind, and returns the object to answer with
// (201 Created), usually the same one with its status filled; obj is the handler's to change. ctx
// carries the requester (authn.UserFrom). An error that is a *meta.Status is the response; any
// other is a 500.
type CreateFunc func(ctx context.Context, obj meta.Object) (meta.Object, error)

// reviewHandlers are the server's own virtual kinds: Kubernetes' reviews, answered by the server's
// authenticator and authorizer.
func (s *Server) reviewHandlers() map[api.GroupVersionKind]CreateFunc {
	authnGV := func(kind string) api.GroupVersionKind {
		return api.GroupVersionKind{Group: authentication.GroupName, Version: authentication.Version, Kind: kind}
	}
	authzGV := func(kind string) api.GroupVersionKind {
		return api.GroupVersionKind{Group: authorization.GroupName, Version: authorization.Version, Kind: kind}
	}
	return map[api.GroupVersionKind]CreateFunc{
		authnGV("TokenReview"):              s.reviewToken,
		authnGV("SelfSubjectReview"):        s.reviewSelfSubject,
		authzGV("SubjectAccessReview"):      s.reviewSubjectAccess,
		authzGV("SelfSubjectAccessReview"):  s.reviewSelfSubjectAccess,
		authzGV("LocalSubjectAccessReview"): s.reviewLocalSubjectAccess,
		authzGV("SelfSubjectRulesReview"):   s.reviewSelfSubjectRules,
	}
}

// virtualHandlers returns the handler of every virtual kind of the registry: the server's reviews,
// replaced or added to by extra. Every virtual kind needs one, and extra may name only virtual
// kinds of the registry, so that a typo fails New rather than a request.
func (s *Server) virtualHandlers(extra map[api.GroupVersionKind]CreateFunc) (map[api.GroupVersionKind]CreateFunc, error) {
	handlers := s.reviewHandlers()
	for gvk, f := range extra {
		k, err := s.reg.KindFor(gvk)
		if err != nil {
			return nil, fmt.Errorf("apiserver: Config.VirtualKinds: %w", err)
		}
		if !k.Virtual || f == nil {
			return nil, fmt.Errorf("apiserver: Config.VirtualKinds: %s must be a virtual kind with a handler", gvk)
		}
		handlers[gvk] = f
	}
	for _, k := range s.reg.Kinds() {
		if k.Virtual && handlers[k.GroupVersionKind] == nil {
			return nil, fmt.Errorf("apiserver: %s is a virtual kind without a handler: add one to Config.VirtualKinds", k.GroupVersionKind)
		}
	}
	return handlers, nil
}

// serveVirtual serves a virtual kind's resource: create on the collection, and nothing else, as
// kube-apiserver registers only POST for its reviews.
func (s *Server) serveVirtual(q *request) {
	if q.ri.Verb != "create" || q.ri.Name != "" {
		verb := q.ri.Verb
		if verb == "create" {
			verb = "create on a named object"
		}
		q.fail(apierrors.NewMethodNotSupported(q.gr(), verb))
		return
	}
	if q.kind.Namespaced && q.namespace == "" {
		// kube-apiserver has no route for a namespaced review outside a namespace.
		q.fail(apierrors.NewNotFoundPath())
		return
	}
	body, err := readBody(q.r)
	if err != nil {
		q.fail(err)
		return
	}
	obj, err := s.decodeObject(q.w, q.r, q.kind, body)
	if err != nil {
		q.fail(err)
		return
	}
	m := obj.GetObjectMeta()
	switch {
	case !q.kind.Namespaced:
		m.Namespace = ""
	case m.Namespace == "":
		m.Namespace = q.namespace
	case m.Namespace != q.namespace:
		q.fail(apierrors.NewBadRequest("the namespace of the provided object does not match the namespace sent on the request"))
		return
	}
	dry, err := dryRun(q.r)
	if err != nil {
		q.fail(err)
		return
	}
	out, err := s.createVirtual(q.r.Context(), q.kind, obj, dry, q.manager())
	if err != nil {
		q.fail(err)
		return
	}
	s.writeObjects(q, http.StatusCreated, out, nil, meta.ListMeta{})
}

// createVirtual answers the create of a virtual kind as kube-apiserver answers its reviews:
// mutating admission, the kind's validation, validating admission, managedFields for manager (as
// every create records them), then the handler. Nothing is stored, so a dry run differs from a real
// create only in what admission is told.
func (s *Server) createVirtual(ctx context.Context, k *api.Kind, obj meta.Object, dry bool, manager string) (meta.Object, error) {
	name := obj.GetObjectMeta().Name
	attrs := s.admissionAttrs(ctx, k, admission.Create, obj, nil, "", dry)
	if err := s.cfg.Admission.Admit(ctx, attrs); err != nil {
		return nil, s.admissionError(k, name, err)
	}
	// A virtual kind without validation accepts any metadata: it names nothing that is kept.
	if k.Validate != nil {
		if errs := k.Validate(obj); len(errs) > 0 {
			return nil, apierrors.NewInvalid(apierrors.GroupKind{Group: k.Group, Kind: k.Kind}, name, errs)
		}
	}
	if err := s.cfg.Admission.Validate(ctx, attrs); err != nil {
		return nil, s.admissionError(k, name, err)
	}
	audit.Stage(ctx, "Admitted", meta.NewMicroTime(s.clock.Now()))
	if manager != "" {
		if err := s.trackFields(k, nil, obj, manager, ""); err != nil {
			return nil, err
		}
	}
	out, err := s.virtual[k.GroupVersionKind](ctx, obj)
	if err != nil {
		var st *meta.Status
		if errors.As(err, &st) {
			return nil, st
		}
		return nil, apierrors.NewInternalError(err)
	}
	if err := s.reg.SetKind(out); err != nil {
		return nil, apierrors.NewInternalError(err)
	}
	return out, nil
}

// errNoUser answers a self review made without a user, which only a program calling Server.Create
// with a context carrying none could do (a request always has one, if only system:anonymous).
var errNoUser = apierrors.NewBadRequest("no user present on request")

// --- authorization.k8s.io ---

func (s *Server) reviewSubjectAccess(ctx context.Context, obj meta.Object) (meta.Object, error) {
	sar := obj.(*authorization.SubjectAccessReview)
	sar.Status = s.accessReview(ctx, specUser(&sar.Spec), sar.Spec.ResourceAttributes, sar.Spec.NonResourceAttributes)
	return sar, nil
}

func (s *Server) reviewLocalSubjectAccess(ctx context.Context, obj meta.Object) (meta.Object, error) {
	sar := obj.(*authorization.LocalSubjectAccessReview)
	if sar.Namespace == "" {
		return nil, apierrors.NewBadRequest("namespace is required on this type: ")
	}
	sar.Status = s.accessReview(ctx, specUser(&sar.Spec), sar.Spec.ResourceAttributes, sar.Spec.NonResourceAttributes)
	return sar, nil
}

func (s *Server) reviewSelfSubjectAccess(ctx context.Context, obj meta.Object) (meta.Object, error) {
	sar := obj.(*authorization.SelfSubjectAccessReview)
	u, ok := authn.UserFrom(ctx)
	if !ok {
		return nil, errNoUser
	}
	sar.Status = s.accessReview(ctx, u, sar.Spec.ResourceAttributes, sar.Spec.NonResourceAttributes)
	return sar, nil
}

// specUser is the user a SubjectAccessReview names. Its groups are taken as given: a review
// answers for exactly the identity it describes.
func specUser(spec *authorization.SubjectAccessReviewSpec) authn.User {
	return authn.User{Name: spec.User, UID: spec.UID, Groups: spec.Groups, Extra: spec.Extra}
}

// accessReview asks the server's authorizer about one action of u; exactly one of ra and nra is
// set (validation sees to it).
func (s *Server) accessReview(ctx context.Context, u authn.User, ra *authorization.ResourceAttributes, nra *authorization.NonResourceAttributes) authorization.SubjectAccessReviewStatus {
	attrs := authz.Attributes{User: u}
	var selectorProblems []string
	if ra != nil {
		attrs.ResourceRequest = true
		attrs.Verb, attrs.Namespace, attrs.Name = ra.Verb, ra.Namespace, ra.Name
		attrs.APIGroup, attrs.Resource, attrs.Subresource = ra.Group, ra.Resource, ra.Subresource
		attrs.APIVersion = ra.Version
		if attrs.APIVersion == "" {
			attrs.APIVersion = "*" // a review without a version asks about every version
		}
		var problem string
		attrs.FieldSelector, problem = reviewFieldSelector(ra.FieldSelector)
		if problem != "" {
			selectorProblems = append(selectorProblems, problem)
		}
		if problem := reviewLabelSelectorProblem(ra.LabelSelector); problem != "" {
			selectorProblems = append(selectorProblems, problem)
		}
	} else if nra != nil {
		attrs.Verb, attrs.Path = nra.Verb, nra.Path
	}
	d, reason, err := s.cfg.Authorizer.Authorize(ctx, attrs)
	var evaluation []string
	if err != nil {
		evaluation = append(evaluation, errorMessage(err))
	}
	return authorization.SubjectAccessReviewStatus{
		Allowed:         d == authz.Allow,
		Denied:          d == authz.Deny,
		Reason:          reason,
		EvaluationError: strings.Join(append(evaluation, selectorProblems...), "; "),
	}
}

// reviewFieldSelector turns a review's field selector into the one authorizers see, as Kubernetes
// does: a raw selector is parsed; of requirements, In and NotIn with one value become = and !=,
// and the others are dropped (the question gets only broader). problem is the evaluation error
// saying so, or "".
func reviewFieldSelector(fs *authorization.FieldSelectorAttributes) (sel fields.Selector, problem string) {
	const path = "spec.resourceAttributes.fieldSelector"
	if fs == nil {
		return nil, ""
	}
	if fs.RawSelector != "" {
		sel, err := fields.ParseSelector(fs.RawSelector)
		if err != nil {
			return nil, path + " ignored due to parse error"
		}
		return sel, ""
	}
	var terms []fields.Selector
	dropped := false
	for _, r := range fs.Requirements {
		switch {
		case len(r.Values) != 1:
			dropped = true // Exists and DoesNotExist, several values: not supported yet
		case r.Operator == authorization.FieldSelectorOpIn:
			terms = append(terms, fields.OneTermEqualSelector(r.Key, r.Values[0]))
		case r.Operator == authorization.FieldSelectorOpNotIn:
			terms = append(terms, fields.OneTermNotEqualSelector(r.Key, r.Values[0]))
		default:
			dropped = true
		}
	}
	if len(terms) > 0 {
		sel = fields.AndSelectors(terms...)
	}
	return sel, selectorProblem(path, dropped, len(terms) > 0)
}

// reviewLabelSelectorProblem checks a review's label selector the way Kubernetes parses it for
// authorizers. skiff's authorizers do not look at label selectors, so only the evaluation error is
// of use: a client learns that (part of) its selector was not understood.
func reviewLabelSelectorProblem(ls *authorization.LabelSelectorAttributes) string {
	const path = "spec.resourceAttributes.labelSelector"
	if ls == nil {
		return ""
	}
	if ls.RawSelector != "" {
		if _, err := labels.Parse(ls.RawSelector); err != nil {
			return path + " ignored due to parse error"
		}
		return ""
	}
	ops := map[meta.LabelSelectorOperator]labels.Operator{
		meta.LabelSelectorOpIn: labels.In, meta.LabelSelectorOpNotIn: labels.NotIn,
		meta.LabelSelectorOpExists: labels.Exists, meta.LabelSelectorOpDoesNotExist: labels.DoesNotExist,
	}
	kept, dropped := 0, false
	for _, r := range ls.Requirements {
		op, ok := ops[r.Operator]
		if !ok {
			dropped = true
			continue
		}
		if _, err := labels.NewRequirement(r.Key, op, r.Values); err != nil {
			dropped = true
			continue
		}
		kept++
	}
	return selectorProblem(path, dropped, kept > 0)
}

func selectorProblem(path string, dropped, kept bool) string {
	switch {
	case !dropped:
		return ""
	case kept:
		return path + " partially ignored due to parse error"
	}
	return path + " ignored due to parse error"
}

func (s *Server) reviewSelfSubjectRules(ctx context.Context, obj meta.Object) (meta.Object, error) {
	in := obj.(*authorization.SelfSubjectRulesReview)
	u, ok := authn.UserFrom(ctx)
	if !ok {
		return nil, errNoUser
	}
	if in.Spec.Namespace == "" {
		return nil, apierrors.NewBadRequest("no namespace on request")
	}
	resource, nonResource, incomplete, err := authz.ResolveRules(ctx, s.cfg.Authorizer, u, in.Spec.Namespace)
	// Kubernetes answers with a new object holding only the status, and writes empty lists as [].
	out := &authorization.SelfSubjectRulesReview{Status: authorization.SubjectRulesReviewStatus{
		ResourceRules:    make([]authorization.ResourceRule, 0, len(resource)),
		NonResourceRules: make([]authorization.NonResourceRule, 0, len(nonResource)),
		Incomplete:       incomplete,
	}}
	for _, r := range resource {
		out.Status.ResourceRules = append(out.Status.ResourceRules, authorization.ResourceRule{
			Verbs: r.Verbs, APIGroups: r.APIGroups, Resources: r.Resources, ResourceNames: r.ResourceNames})
	}
	for _, r := range nonResource {
		out.Status.NonResourceRules = append(out.Status.NonResourceRules, authorization.NonResourceRule{
			Verbs: r.Verbs, NonResourceURLs: r.NonResourceURLs})
	}
	if err != nil {
		out.Status.EvaluationError = errorMessage(err)
	}
	return out, nil
}

// --- authentication.k8s.io ---

func (s *Server) reviewSelfSubject(ctx context.Context, _ meta.Object) (meta.Object, error) {
	u, ok := authn.UserFrom(ctx)
	if !ok {
		return nil, errNoUser
	}
	// A new object, stamped with the time of the answer, as Kubernetes writes it.
	return &authentication.SelfSubjectReview{
		ObjectMeta: meta.ObjectMeta{CreationTimestamp: meta.NewTime(s.clock.Now())},
		Status:     authentication.SelfSubjectReviewStatus{UserInfo: userInfo(u)},
	}, nil
}

func userInfo(u authn.User) authentication.UserInfo {
	info := authentication.UserInfo{Username: u.Name, UID: u.UID, Groups: slices.Clone(u.Groups)}
	if len(u.Extra) > 0 {
		info.Extra = make(map[string][]string, len(u.Extra))
		for k, v := range u.Extra {
			info.Extra[k] = slices.Clone(v)
		}
	}
	return info
}

// errInvalidToken is what a TokenReview says of a token no authenticator recognised, in
// kube-apiserver's words.
var errInvalidToken = errors.New("invalid bearer token")

// reviewToken authenticates spec.token with the server's authenticator, as a request bearing it
// would be, for spec.audiences (the server's APIAudiences when empty). A token that does not
// authenticate is an answer, not an error: status.authenticated is false and status.error says why.
func (s *Server) reviewToken(ctx context.Context, obj meta.Object) (meta.Object, error) {
	tr := obj.(*authentication.TokenReview)
	if tr.Spec.Token == "" {
		return nil, apierrors.NewBadRequest("token is required for TokenReview in authentication")
	}
	// A request carrying the token and nothing else: no client certificate, no other header.
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, "/", nil)
	if err != nil {
		return nil, err
	}
	req.Header.Set("Authorization", "Bearer "+tr.Spec.Token)
	resp, ok, err := s.cfg.Authenticator.AuthenticateRequest(req)
	// The anonymous fallback (authn.AnonymousAuthenticator, authn.WithAnonymous) lets a request in
	// that no authenticator recognised; for a review that means the token is not valid.
	if err == nil && (!ok || resp.Method == "anonymous") {
		err = errInvalidToken
	}
	tr.Status = authentication.TokenReviewStatus{}
	if err != nil {
		tr.Status.Error = errorMessage(err)
		return tr, nil
	}
	audiences, err := s.tokenAudiences(tr.Spec.Audiences, resp.Audiences)
	if err != nil {
		tr.Status.Error = err.Error()
		return tr, nil
	}
	tr.Status.Authenticated = true
	tr.Status.User = userInfo(resp.User)
	tr.Status.Audiences = audiences
	return tr, nil
}

// tokenAudiences are the audiences a token authenticated for has, among those the review asks for
// (want, or the server's APIAudiences when it names none): an error when there are none.
// skiff's authenticators check tokens against the server's own audiences only, so the review
// narrows their answer: a service account token's audiences (got) must meet want; a credential
// without audiences, a static token, stands for the server's audiences, as Kubernetes'
// audience-agnostic authenticators do.
func (s *Server) tokenAudiences(want, got []string) ([]string, error) {
	if len(want) == 0 {
		want = s.cfg.APIAudiences
	}
	if len(want) == 0 {
		return got, nil // nobody asks about audiences
	}
	if len(got) == 0 {
		if common := intersect(want, s.cfg.APIAudiences); len(common) > 0 {
			return common, nil
		}
		return nil, errInvalidToken
	}
	if common := intersect(want, got); len(common) > 0 {
		return common, nil
	}
	return nil, fmt.Errorf("token audiences %q is invalid for the target audiences %q", got, want)
}

// intersect returns the elements of a that are in b, in a's order, once each.
func intersect(a, b []string) []string {
	var out []string
	for _, v := range a {
		if slices.Contains(b, v) && !slices.Contains(out, v) {
			out = append(out, v)
		}
	}
	return out
}

// errorMessage prints err for a review's status; errors joined by errors.Join (the failures of
// several authenticators or authorizers) print as Kubernetes' aggregate does: [a, b].
func errorMessage(err error) string {
	multi, ok := err.(interface{ Unwrap() []error })
	if !ok {
		return err.Error()
	}
	var msgs, plain []string
	for _, e := range multi.Unwrap() {
		if e != nil {
			msgs = append(msgs, errorMessage(e))
			plain = append(plain, e.Error())
		}
	}
	// Other errors wrap several too (one that is both a sentinel and a Status, say) and print
	// themselves; only a join prints its parts on lines of their own.
	if strings.Join(plain, "\n") != err.Error() {
		return err.Error()
	}
	if len(msgs) == 1 {
		return msgs[0]
	}
	return "[" + strings.Join(msgs, ", ") + "]"
}
