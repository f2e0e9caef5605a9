package webhook

import (
	"context"
	"errors"
	"net"
	"net/netip"
	"net/url"
	"strings"
	"time"

	"github.com/pocketbase/pocketbase/core"

	"teamfund/internal/company"
)

// Resolver looks up the addresses of a host name. The server uses the system's; tests
// give the app one that knows their made-up names, so no test asks a real DNS server.
type Resolver func(ctx context.Context, host string) ([]netip.Addr, error)

const resolverKey = "teamfund.webhook.resolver"

// SetResolver makes app look up webhook hosts with r, when saving an endpoint and when
// connecting to it.
func SetResolver(app core.App, r Resolver) { app.Store().Set(resolverKey, r) }

func resolverOf(app core.App) Resolver {
	if r, ok := app.Store().Get(resolverKey).(Resolver); ok {
		return r
	}
	return func(ctx context.Context, host string) ([]netip.Addr, error) {
		return net.DefaultResolver.LookupNetIP(ctx, "ip", host)
	}
}

// ErrInternalTarget refuses an endpoint on an internal address while the owner has not
// allowed internal targets.
var ErrInternalTarget = errors.New("this address is inside the server's network (loopback, private, link-local or the server itself): " +
	"webhooks may not call it unless the owner allows internal targets in Settings")

// ErrMetadataTarget refuses cloud metadata addresses, whatever the owner allows: they
// hand out the server's cloud credentials.
var ErrMetadataTarget = errors.New("this is a cloud metadata address, which webhooks never call")

// metadataAddrs are the cloud providers' instance metadata services.
var metadataAddrs = []netip.Addr{
	netip.MustParseAddr("169.254.169.254"), // AWS, GCP, Azure, DigitalOcean, Oracle, ...
	netip.MustParseAddr("169.254.170.2"),   // AWS ECS task metadata
	netip.MustParseAddr("100.100.100.200"), // Alibaba Cloud
	netip.MustParseAddr("fd00:ec2::254"),   // AWS over IPv6
}

// internalPrefixes are the ranges beyond what netip's Is* methods name that no public
// endpoint lives in: carrier-grade NAT, "this network", IETF protocol assignments,
// benchmarking, reserved and broadcast, NAT64 (which reaches IPv4 ones), 6to4, Teredo.
var internalPrefixes = []netip.Prefix{
	netip.MustParsePrefix("0.0.0.0/8"),
	netip.MustParsePrefix("100.64.0.0/10"),
	netip.MustParsePrefix("192.0.0.0/24"),
	netip.MustParsePrefix("198.18.0.0/15"),
	netip.MustParsePrefix("240.0.0.0/4"),
	netip.MustParsePrefix("64:ff9b::/96"),
	netip.MustParsePrefix("64:ff9b:1::/48"),
	netip.MustParsePrefix("2002::/16"),
	netip.MustParsePrefix("2001::/32"),
}

// checkAddr says why addr may not be called (nil when it may). allowInternal is the
// owner's switch; metadata addresses stay refused with it on.
func checkAddr(addr netip.Addr, allowInternal bool) error {
	addr = addr.Unmap()
	for _, m := range metadataAddrs {
		if addr == m {
			return ErrMetadataTarget
		}
	}
	if allowInternal {
		return nil
	}
	if addr.IsLoopback() || addr.IsPrivate() || addr.IsLinkLocalUnicast() || addr.IsLinkLocalMulticast() ||
		addr.IsInterfaceLocalMulticast() || addr.IsMulticast() || addr.IsUnspecified() || !addr.IsValid() {
		return ErrInternalTarget
	}
	for _, p := range internalPrefixes {
		if p.Contains(addr) {
			return ErrInternalTarget
		}
	}
	if ownAddr(addr) {
		return ErrInternalTarget
	}
	return nil
}

// ownAddr says whether addr is one of this machine's own addresses (a public one
// included: calling it reaches the server's own API from inside).
func ownAddr(addr netip.Addr) bool {
	ifaces, err := net.InterfaceAddrs()
	if err != nil {
		return false
	}
	for _, a := range ifaces {
		if n, ok := a.(*net.IPNet); ok {
			if own, ok := netip.AddrFromSlice(n.IP); ok && own.Unmap() == addr {
				return true
			}
		}
	}
	return false
}

// allowsInternal reads the owner's switch (off when there is no company yet).
func allowsInternal(app core.App) bool {
	c, err := company.Load(app)
	return err == nil && c.AllowInternalWebhooks()
}

// lookup returns the addresses host stands for, without asking DNS for an IP literal.
func lookup(ctx context.Context, app core.App, host string) ([]netip.Addr, error) {
	if addr, err := netip.ParseAddr(strings.Trim(host, "[]")); err == nil {
		return []netip.Addr{addr}, nil
	}
	return resolverOf(app)(ctx, host)
}

// checkHost refuses host when it is the server's own public name, or when one of its
// addresses may not be called; every address must pass, so that a name that also points
// inside is refused whichever address a connection would pick.
func checkHost(ctx context.Context, app core.App, host string, allowInternal bool) ([]netip.Addr, error) {
	if !allowInternal && isOwnName(app, host) {
		return nil, ErrInternalTarget
	}
	addrs, err := lookup(ctx, app, host)
	if err != nil {
		return nil, err
	}
	for _, a := range addrs {
		if err := checkAddr(a, allowInternal); err != nil {
			return nil, err
		}
	}
	return addrs, nil
}

// isOwnName says whether host is localhost or the host of the server's own URL (its
// Application URL setting).
func isOwnName(app core.App, host string) bool {
	host = strings.TrimSuffix(strings.ToLower(host), ".")
	if host == "localhost" || strings.HasSuffix(host, ".localhost") {
		return true
	}
	if u, err := url.Parse(app.Settings().Meta.AppURL); err == nil && u.Hostname() != "" {
		return strings.EqualFold(u.Hostname(), host)
	}
	return false
}

// saveCheckTimeout bounds the look-up of a new endpoint's host.
const saveCheckTimeout = 3 * time.Second

// checkTargetOnSave refuses, when an endpoint is saved, a URL whose host is or resolves
// to an address that may not be called. A name that cannot be resolved now is accepted:
// every connection checks again (a name's addresses may change after saving anyway).
func checkTargetOnSave(app core.App, rawURL string) error {
	u, err := url.Parse(rawURL)
	if err != nil || u.Hostname() == "" {
		return nil // the URL check names the problem
	}
	ctx, cancel := context.WithTimeout(context.Background(), saveCheckTimeout)
	defer cancel()
	_, err = checkHost(ctx, app, u.Hostname(), allowsInternal(app))
	if errors.Is(err, ErrInternalTarget) || errors.Is(err, ErrMetadataTarget) {
		return err
	}
	return nil
}

// checkLiteralTarget is the check of a URL whose host needs no look-up (an IP address,
// localhost, the server's own name): the one that runs below every API, so that an
// endpoint written in the dashboard is held to it too.
func checkLiteralTarget(app core.App, rawURL string) error {
	u, err := url.Parse(rawURL)
	if err != nil || u.Hostname() == "" {
		return nil
	}
	allow := allowsInternal(app)
	if !allow && isOwnName(app, u.Hostname()) {
		return ErrInternalTarget
	}
	if addr, err := netip.ParseAddr(u.Hostname()); err == nil {
		return checkAddr(addr, allow)
	}
	return nil
}

// errRefusedTarget is what the dialer returns for an address it will not connect to.
type errRefusedTarget struct{ cause error }

func (e errRefusedTarget) Error() string { return "refused target: " + e.cause.Error() }
func (e errRefusedTarget) Unwrap() error { return e.cause }

// dialContext resolves the endpoint's host itself, checks every address, and connects
// only to an address it checked: a name whose DNS answer changes between the save and
// the delivery (DNS rebinding) is caught here, at the moment of connecting.
func (w *worker) dialContext(ctx context.Context, network, address string) (net.Conn, error) {
	host, port, err := net.SplitHostPort(address)
	if err != nil {
		return nil, err
	}
	addrs, err := checkHost(ctx, w.app, host, allowsInternal(w.app))
	if err != nil {
		if errors.Is(err, ErrInternalTarget) || errors.Is(err, ErrMetadataTarget) {
			return nil, errRefusedTarget{err}
		}
		return nil, err
	}
	var last error
	for _, a := range addrs {
		conn, err := w.dial(ctx, network, net.JoinHostPort(a.String(), port))
		if err == nil {
			return conn, nil
		}
		last = err
	}
	if last == nil {
		last = errors.New("the host has no address")
	}
	return nil, last
}
