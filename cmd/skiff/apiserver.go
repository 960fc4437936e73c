package main

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"time"

	"github.com/go-logr/logr"
	"github.com/spf13/cobra"

	"github.com/skiff-io/skiff/admission/resourcequota"
	"github.com/skiff-io/skiff/api"
	"github.com/skiff-io/skiff/api/meta"
	"github.com/skiff-io/skiff/apiserver"
	"github.com/skiff-io/skiff/audit"
	"github.com/skiff-io/skiff/authn"
	"github.com/skiff-io/skiff/authz"
	"github.com/skiff-io/skiff/authz/rbac"
	"github.com/skiff-io/skiff/client/kubeconfig"
	"github.com/skiff-io/skiff/pki"
	"github.com/skiff-io/skiff/store/memdb"
)

// apiserverOptions are the flags of `skiff apiserver`, named as kube-apiserver names them.
type apiserverOptions struct {
	dataDir        string
	bindAddress    string
	securePort     int
	tlsCertFile    string
	tlsKeyFile     string
	clientCAFile   string
	authn          authnOptions
	authz          authzOptions
	auditLogPath   string
	maxInFlight    int
	maxMutating    int
	requestTimeout time.Duration
	readyFile      string
}

func newAPIServer(logger func() logr.Logger) *cobra.Command {
	o := &apiserverOptions{}
	cmd := &cobra.Command{
		Use:   "apiserver",
		Short: "Run the API server: Kubernetes' REST API over TLS, on the embedded store",
		Long: `apiserver serves the Kubernetes API over TLS (HTTP/2) on the embedded, durable store in
--data-dir. On first start it makes a certificate authority, a serving certificate and an admin
client certificate there, and writes DIR/admin.kubeconfig for kubectl:

  skiff apiserver --data-dir ./skiff-data
  kubectl --kubeconfig ./skiff-data/admin.kubeconfig get namespaces`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return runAPIServer(cmd.Context(), cmd.OutOrStdout(), o, logger())
		},
	}
	f := cmd.Flags()
	f.StringVar(&o.dataDir, "data-dir", "skiff-data", "directory for the store, certificates and admin.kubeconfig")
	f.StringVar(&o.bindAddress, "bind-address", "127.0.0.1", "IP address to listen on")
	f.IntVar(&o.securePort, "secure-port", 6443, "port to serve HTTPS on (0 picks a free one)")
	f.StringVar(&o.tlsCertFile, "tls-cert-file", "", "serving certificate (default: one issued by the data dir's CA)")
	f.StringVar(&o.tlsKeyFile, "tls-private-key-file", "", "key of --tls-cert-file")
	f.StringVar(&o.clientCAFile, "client-ca-file", "", "CA bundle that client certificates must chain to (default: the data dir's CA)")
	o.authn.addFlags(f)
	o.authz.addFlags(f)
	f.StringVar(&o.auditLogPath, "audit-log-path", "", "append one JSON audit record per request to this file")
	f.IntVar(&o.maxInFlight, "max-requests-inflight", 400, "concurrent non-mutating requests before 429")
	f.IntVar(&o.maxMutating, "max-mutating-requests-inflight", 200, "concurrent mutating requests before 429")
	f.DurationVar(&o.requestTimeout, "request-timeout", time.Minute, "time a non-long-running request may take")
	f.StringVar(&o.readyFile, "ready-file", "", "write the serving URL to this file once listening (for scripts and tests)")
	return cmd
}

// ensurePKI loads the data dir's CA and certificates, making any that are missing.
func ensurePKI(dir string, hosts []string, ips []net.IP) (ca *pki.CA, serving, admin *pki.KeyPair, err error) {
	pdir := filepath.Join(dir, "pki")
	ca, err = pki.LoadCA(pdir, "ca")
	if errors.Is(err, os.ErrNotExist) {
		if ca, err = pki.NewCA("skiff-ca", 10*365*24*time.Hour); err == nil {
			err = ca.Save(pdir, "ca")
		}
	}
	if err != nil {
		return nil, nil, nil, fmt.Errorf("certificate authority in %s: %w", pdir, err)
	}
	serving, err = pki.LoadKeyPair(pdir, "apiserver")
	if err == nil && !coversHosts(serving, hosts, ips) {
		err = os.ErrNotExist // a new address: issue a certificate that covers it
	}
	if errors.Is(err, os.ErrNotExist) {
		if serving, err = ca.Issue(pki.Options{CommonName: "skiff-apiserver", DNSNames: hosts, IPs: ips, Usage: pki.ServerAuth}); err == nil {
			err = serving.Save(pdir, "apiserver")
		}
	}
	if err != nil {
		return nil, nil, nil, fmt.Errorf("serving certificate in %s: %w", pdir, err)
	}
	admin, err = pki.LoadKeyPair(pdir, "admin")
	if errors.Is(err, os.ErrNotExist) {
		if admin, err = ca.Issue(pki.Options{CommonName: "kubernetes-admin", Organizations: []string{authn.SystemPrivilegedGroup}, Usage: pki.ClientAuth}); err == nil {
			err = admin.Save(pdir, "admin")
		}
	}
	if err != nil {
		return nil, nil, nil, fmt.Errorf("admin certificate in %s: %w", pdir, err)
	}
	return ca, serving, admin, nil
}

// ensureClientCert loads the client certificate saved under name, issuing it (for user cn, in
// groups orgs) when missing or expired.
func ensureClientCert(pdir string, ca *pki.CA, name, cn string, orgs ...string) (*pki.KeyPair, error) {
	kp, err := pki.LoadKeyPair(pdir, name)
	if err == nil && time.Now().After(kp.Cert.NotAfter) {
		err = os.ErrNotExist
	}
	if errors.Is(err, os.ErrNotExist) {
		if kp, err = ca.Issue(pki.Options{CommonName: cn, Organizations: orgs, Usage: pki.ClientAuth}); err == nil {
			err = kp.Save(pdir, name)
		}
	}
	if err != nil {
		return nil, fmt.Errorf("%s certificate in %s: %w", name, pdir, err)
	}
	return kp, nil
}

func coversHosts(kp *pki.KeyPair, hosts []string, ips []net.IP) bool {
	for _, h := range hosts {
		if kp.Cert.VerifyHostname(h) != nil {
			return false
		}
	}
	for _, ip := range ips {
		if kp.Cert.VerifyHostname(ip.String()) != nil {
			return false
		}
	}
	return time.Now().Before(kp.Cert.NotAfter)
}

func runAPIServer(ctx context.Context, out io.Writer, o *apiserverOptions, log logr.Logger) error {
	if err := os.MkdirAll(o.dataDir, 0o700); err != nil {
		return err
	}
	bind := net.ParseIP(o.bindAddress)
	if bind == nil {
		return fmt.Errorf("--bind-address %q is not an IP address", o.bindAddress)
	}
	hosts := []string{"localhost", "skiff-apiserver"}
	if h, err := os.Hostname(); err == nil {
		hosts = append(hosts, h)
	}
	ips := []net.IP{net.IPv4(127, 0, 0, 1), net.IPv6loopback}
	if !bind.IsUnspecified() && !bind.IsLoopback() {
		ips = append(ips, bind)
	}
	ca, serving, admin, err := ensurePKI(o.dataDir, hosts, ips)
	if err != nil {
		return err
	}
	servingCert, err := tls.X509KeyPair(serving.CertPEM, serving.KeyPEM)
	if o.tlsCertFile != "" {
		servingCert, err = tls.LoadX509KeyPair(o.tlsCertFile, o.tlsKeyFile)
	}
	if err != nil {
		return fmt.Errorf("serving certificate: %w", err)
	}
	clientCAs := ca.Pool()
	if o.clientCAFile != "" {
		pemData, err := os.ReadFile(o.clientCAFile)
		if err != nil {
			return err
		}
		clientCAs = x509PoolFromPEM(pemData)
		if clientCAs == nil {
			return fmt.Errorf("--client-ca-file %s holds no certificates", o.clientCAFile)
		}
	}

	reg := api.Builtin()
	st, err := memdb.Open(memdb.Options{Dir: filepath.Join(o.dataDir, "store"), Codec: reg, Logger: log.WithName("store")})
	if err != nil {
		return err
	}
	defer st.Close()

	authenticator, tokens, err := buildAuthn(&o.authn, o.dataDir, authn.X509(clientCAs), st)
	if err != nil {
		return err
	}
	az, err := buildAuthz(&o.authz, st, log)
	if err != nil {
		return err
	}
	chain, err := buildAdmission(&o.authz, az, reg, st, log)
	if err != nil {
		return err
	}
	auditPolicy, err := loadAuditPolicy(o.authz.auditPolicyFile)
	if err != nil {
		return err
	}
	// Everything the server runs beside serving stops before the store closes.
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	bgErr, err := az.run(ctx)
	if err != nil {
		return err
	}
	apiAudiences := o.authn.apiAudiences
	if len(apiAudiences) == 0 {
		apiAudiences = []string{o.authn.saIssuer} // kube-apiserver's default, and the service-account authenticator's
	}
	cfg := apiserver.Config{
		APIAudiences:                apiAudiences,
		Admission:                   chain,
		Registry:                    reg,
		Store:                       st,
		Authenticator:               authenticator,
		Authorizer:                  az.authorizer,
		AuditPolicy:                 auditPolicy,
		TokenRequests:               tokens,
		MaxRequestsInFlight:         o.maxInFlight,
		MaxMutatingRequestsInFlight: o.maxMutating,
		RequestTimeout:              o.requestTimeout,
		Logger:                      log.WithName("apiserver"),
	}
	if o.auditLogPath != "" {
		f, err := os.OpenFile(o.auditLogPath, os.O_CREATE|os.O_APPEND|os.O_WRONLY, 0o600)
		if err != nil {
			return err
		}
		defer f.Close()
		cfg.Audit = audit.NewJSONLinesSink(f)
	}
	srv, err := apiserver.New(cfg)
	if err != nil {
		return err
	}
	if err := srv.Bootstrap(ctx); err != nil {
		return err
	}
	create := func(ctx context.Context, obj meta.Object) error {
		_, err := srv.Create(ctx, obj, "skiff-apiserver")
		return err
	}
	if az.rbac != nil {
		if err := rbac.EnsureBootstrapPolicy(ctx, st, create); err != nil {
			return err
		}
		if err := waitForBootstrapPolicy(ctx, az.rbac); err != nil {
			return err
		}
	}
	sas := &defaultServiceAccounts{st: st, create: create, log: log.WithName("serviceaccounts")}
	go func() {
		if err := sas.run(ctx); err != nil {
			log.Error(err, "Default service accounts stopped")
		}
	}()
	// ResourceQuota admission reads limits from a quota's status; this loop fills and corrects it,
	// as kube-controller-manager's resource quota controller does.
	quotas := resourcequota.NewStatusSync(st, resourcequota.SyncOptions{Options: resourcequota.Options{Kinds: reg, Logger: log.WithName("resourcequota")}})
	go func() {
		if err := quotas.Run(ctx); err != nil {
			log.Error(err, "ResourceQuota status sync stopped")
		}
	}()

	ln, err := net.Listen("tcp", net.JoinHostPort(o.bindAddress, strconv.Itoa(o.securePort)))
	if err != nil {
		return fmt.Errorf("listen: %w", err)
	}
	port := ln.Addr().(*net.TCPAddr).Port
	host := o.bindAddress
	if bind.IsUnspecified() {
		host = "127.0.0.1"
	}
	url := "https://" + net.JoinHostPort(host, strconv.Itoa(port))
	kcPath := filepath.Join(o.dataDir, "admin.kubeconfig")
	kc := kubeconfig.New("skiff", url, ca.CertPEM, kubeconfig.AuthInfo{ClientCertificateData: admin.CertPEM, ClientKeyData: admin.KeyPEM})
	if err := kc.WriteFile(kcPath); err != nil {
		return err
	}
	// The controller manager's own identity, whose rights are the bootstrap role
	// system:kube-controller-manager (list and watch everything, make service account tokens):
	// with --use-service-account-credentials each controller then acts as its own account.
	cm, err := ensureClientCert(filepath.Join(o.dataDir, "pki"), ca, "controller-manager", rbac.KubeControllerManagerUser)
	if err != nil {
		return err
	}
	cmKC := kubeconfig.New("skiff", url, ca.CertPEM, kubeconfig.AuthInfo{ClientCertificateData: cm.CertPEM, ClientKeyData: cm.KeyPEM})
	if err := cmKC.WriteFile(filepath.Join(o.dataDir, "controller-manager.kubeconfig")); err != nil {
		return err
	}
	// The scheduler's identity, whose rights are the bootstrap role system:kube-scheduler.
	sched, err := ensureClientCert(filepath.Join(o.dataDir, "pki"), ca, "scheduler", rbac.KubeSchedulerUser)
	if err != nil {
		return err
	}
	schedKC := kubeconfig.New("skiff", url, ca.CertPEM, kubeconfig.AuthInfo{ClientCertificateData: sched.CertPEM, ClientKeyData: sched.KeyPEM})
	if err := schedKC.WriteFile(filepath.Join(o.dataDir, "scheduler.kubeconfig")); err != nil {
		return err
	}

	hs := &http.Server{
		Handler: srv.Handler(),
		TLSConfig: &tls.Config{
			Certificates: []tls.Certificate{servingCert},
			// The handshake asks for a certificate but does not judge it: the x509 authenticator
			// does, so that a bad or expired certificate gets 401 Unauthorized, as from
			// kube-apiserver, rather than a failed handshake.
			ClientAuth: tls.RequestClientCert,
			ClientCAs:  clientCAs,
			MinVersion: tls.VersionTLS12,
			NextProtos: []string{"h2", "http/1.1"},
		},
		ReadHeaderTimeout: 30 * time.Second,
		ErrorLog:          nil,
	}
	errc := make(chan error, 1)
	go func() { errc <- hs.ServeTLS(ln, "", "") }()
	fmt.Fprintf(out, "skiff apiserver serving on %s\n", url)
	fmt.Fprintf(out, "kubectl --kubeconfig %s get namespaces\n", kcPath)
	if o.readyFile != "" {
		if err := os.WriteFile(o.readyFile, []byte(url+"\n"), 0o600); err != nil {
			return err
		}
	}
	select {
	case <-ctx.Done():
	case err := <-errc:
		if !errors.Is(err, http.ErrServerClosed) {
			return err
		}
	case err := <-bgErr:
		hs.Close()
		return err
	}
	shutdown, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	hs.Shutdown(shutdown)
	return nil
}

func x509PoolFromPEM(data []byte) *x509.CertPool {
	pool := x509.NewCertPool()
	if !pool.AppendCertsFromPEM(data) {
		return nil
	}
	return pool
}

// waitForBootstrapPolicy waits until the RBAC index has taken in the bootstrap policy just
// written (it follows the store through watches), so that the admin kubeconfig works from the
// first request, as kube-apiserver's readiness waits for its rbac/bootstrap-roles hook.
func waitForBootstrapPolicy(ctx context.Context, a *rbac.Authorizer) error {
	admin := authz.Attributes{User: authn.User{Name: "kubernetes-admin", Groups: []string{authn.SystemPrivilegedGroup, authn.AllAuthenticated}},
		Verb: "get", ResourceRequest: true, APIVersion: "v1", Resource: "namespaces"}
	deadline := time.Now().Add(30 * time.Second)
	for {
		d, _, _ := a.Authorize(ctx, admin)
		if d == authz.Allow {
			return nil
		}
		if time.Now().After(deadline) {
			return errors.New("RBAC authorizer did not take in the bootstrap policy within 30s")
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(5 * time.Millisecond):
		}
	}
}
