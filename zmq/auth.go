package zmq4

import (
	"errors"
	"log"
	"net"
	"sync"
)

// This file is a ZAP (ZeroMQ RFC 27) authentication handler, with the
// registry of allowed and denied addresses, PLAIN users and CURVE keys it
// consults, per domain, like czmq's zauth and pebbe's package. It listens
// on inproc://zeromq.zap.01 in the default context, where the core's
// PLAIN, CURVE and (with a ZAP domain) NULL servers send their requests.

// CURVE_ALLOW_ANY, given to AuthCurveAdd as a key, allows every CURVE
// client key in the domain.
const CURVE_ALLOW_ANY = "*"

// zapEndpoint is where libzmq sends ZAP requests.
const zapEndpoint = "inproc://zeromq.zap.01"

// authMetaFunc is the type of the handler set with AuthSetMetadataHandler.
type authMetaFunc = func(version, request_id, domain, address, identity, mechanism string, credentials ...string) (metadata map[string]string)

var auth struct {
	mu      sync.RWMutex
	running bool
	quit    *Socket // asks the running handler to stop
	verbose bool

	allow    map[string]map[string]bool // domain: address: true
	deny     map[string]map[string]bool
	allowNet map[string][]*net.IPNet
	denyNet  map[string][]*net.IPNet
	users    map[string]map[string]string // domain: username: password
	pubkeys  map[string]map[string]bool   // domain: Z85 key: true
	meta     authMetaFunc
}

func init() {
	auth.allow = make(map[string]map[string]bool)
	auth.deny = make(map[string]map[string]bool)
	auth.allowNet = make(map[string][]*net.IPNet)
	auth.denyNet = make(map[string][]*net.IPNet)
	auth.users = make(map[string]map[string]string)
	auth.pubkeys = make(map[string]map[string]bool)
	auth.meta = authMetaDefault
}

func authMetaDefault(version, request_id, domain, address, identity, mechanism string, credentials ...string) (metadata map[string]string) {
	return map[string]string{}
}

// authLogf logs when verbose tracing is on.
func authLogf(format string, args ...interface{}) {
	auth.mu.RLock()
	v := auth.verbose
	auth.mu.RUnlock()
	if v {
		log.Printf("AUTH: "+format, args...)
	}
}

// AuthStart starts the authentication handler. Until policies are added,
// NULL connections are all allowed (ZeroMQ's classic behaviour) and PLAIN
// and CURVE connections are all denied.
//
// The handler serves sockets of the default context (those made with the
// package-level NewSocket), as pebbe's does.
func AuthStart() (err error) {
	auth.mu.Lock()
	defer auth.mu.Unlock()
	if auth.running {
		return errors.New("Auth is already running")
	}
	handler, err := NewSocket(REP)
	if err != nil {
		return err
	}
	handler.SetLinger(0)
	if err = handler.Bind(zapEndpoint); err != nil {
		handler.Close()
		return err
	}
	quit, err := NewSocket(REQ)
	if err != nil {
		handler.Close()
		return err
	}
	quit.SetLinger(0)
	if err = quit.Connect(zapEndpoint); err != nil {
		handler.Close()
		quit.Close()
		return err
	}
	auth.quit, auth.running = quit, true
	go authServe(handler)
	authLogfLocked("Starting")
	return nil
}

// AuthStop stops the authentication handler.
func AuthStop() {
	auth.mu.Lock()
	running, quit := auth.running, auth.quit
	auth.quit, auth.running = nil, false
	auth.mu.Unlock()
	if !running {
		authLogf("Not running, can't stop")
		return
	}
	authLogf("Stopping")
	// The handler logs under auth.mu, so the lock must not be held here.
	if _, err := quit.SendMessageDontwait("QUIT"); err != nil {
		authLogf("Stopping: SendMessageDontwait(\"QUIT\"): %v", err)
	}
	if _, err := quit.RecvMessage(0); err != nil {
		authLogf("Stopping: RecvMessage: %v", err)
	}
	quit.Close()
	authLogf("Stopped")
}

// authServe answers ZAP requests on handler until told to quit.
func authServe(handler *Socket) {
	defer handler.Close()
	for {
		msg, err := handler.RecvMessage(0)
		if err != nil {
			authLogf("Quitting: %v", err)
			return
		}
		if len(msg) > 0 && msg[0] == "QUIT" {
			authLogf("Quitting: received QUIT message")
			// Free the name before answering, so that a new handler can
			// bind as soon as AuthStop returns.
			handler.Unbind(zapEndpoint)
			handler.SendMessage("QUIT")
			return
		}
		if _, err := handler.SendMessage(authReply(msg)...); err != nil {
			authLogf("Sending reply: %v", err)
		}
	}
}

// authReply decides a ZAP request (version, request id, domain, address,
// identity, mechanism, credentials...) and returns the reply's frames.
func authReply(msg []string) []interface{} {
	if len(msg) < 6 || msg[0] != "1.0" {
		id := ""
		if len(msg) > 1 {
			id = msg[1]
		}
		authLogf("Invalid request: %q", msg)
		return []interface{}{"1.0", id, "500", "Invalid request", "", ""}
	}
	version, requestID, domain, address, identity, mechanism := msg[0], msg[1], msg[2], msg[3], msg[4], msg[5]
	credentials := msg[6:]

	auth.mu.RLock()
	allowed, denied := false, false
	switch {
	case authHasList(auth.allow, auth.allowNet, domain):
		allowed = authListed(auth.allow, auth.allowNet, domain, address)
		denied = !allowed
		if allowed {
			authLogfLocked("PASSED (whitelist) domain=%q address=%q", domain, address)
		} else {
			authLogfLocked("DENIED (not in whitelist) domain=%q address=%q", domain, address)
		}
	case authHasList(auth.deny, auth.denyNet, domain):
		denied = authListed(auth.deny, auth.denyNet, domain, address)
		allowed = !denied
		if denied {
			authLogfLocked("DENIED (blacklist) domain=%q address=%q", domain, address)
		} else {
			authLogfLocked("PASSED (not in blacklist) domain=%q address=%q", domain, address)
		}
	}
	if !denied {
		switch mechanism {
		case "NULL":
			if !allowed {
				authLogfLocked("ALLOWED (NULL)")
				allowed = true
			}
		case "PLAIN":
			// Even a whitelisted address must authenticate.
			allowed = len(credentials) >= 2 && authPlain(domain, credentials[0], credentials[1])
		case "CURVE":
			allowed = len(credentials) >= 1 && len(credentials[0]) == 32 &&
				authCurve(domain, z85Encode([]byte(credentials[0])))
		}
	}
	meta := auth.meta
	auth.mu.RUnlock()

	if !allowed {
		return []interface{}{version, requestID, "400", "NO ACCESS", "", ""}
	}
	m := meta(version, requestID, domain, address, identity, mechanism, credentials...)
	userID := m["User-Id"]
	var metadata []byte
	for key, value := range m {
		if key != "User-Id" && len(key) < 256 {
			metadata = append(metadata, authMetaBlob(key, value)...)
		}
	}
	return []interface{}{version, requestID, "200", "OK", userID, metadata}
}

// authLogfLocked logs when verbose tracing is on; auth.mu is held.
func authLogfLocked(format string, args ...interface{}) {
	if auth.verbose {
		log.Printf("AUTH: "+format, args...)
	}
}

// authHasList reports whether the list has entries for the domain or for
// all domains ("*"). auth.mu is held.
func authHasList(addrs map[string]map[string]bool, nets map[string][]*net.IPNet, domain string) bool {
	for _, d := range []string{domain, "*"} {
		if len(addrs[d]) > 0 || len(nets[d]) > 0 {
			return true
		}
	}
	return false
}

// authListed reports whether the address is in the list for the domain or
// for all domains. auth.mu is held.
func authListed(addrs map[string]map[string]bool, nets map[string][]*net.IPNet, domain, address string) bool {
	ip := net.ParseIP(address)
	for _, d := range []string{domain, "*"} {
		if addrs[d][address] {
			return true
		}
		if ip == nil {
			continue
		}
		for _, n := range nets[d] {
			if n.Contains(ip) {
				return true
			}
		}
	}
	return false
}

// authPlain checks a PLAIN username and password. auth.mu is held.
func authPlain(domain, username, password string) bool {
	for _, d := range []string{domain, "*"} {
		if p, ok := auth.users[d][username]; ok && p == password {
			authLogfLocked("ALLOWED (PLAIN) domain=%q username=%q", d, username)
			return true
		}
	}
	authLogfLocked("DENIED (PLAIN) domain=%q username=%q", domain, username)
	return false
}

// authCurve checks a CURVE client key, in Z85. auth.mu is held.
func authCurve(domain, clientKey string) bool {
	for _, d := range []string{domain, "*"} {
		if auth.pubkeys[d][CURVE_ALLOW_ANY] {
			authLogfLocked("ALLOWED (CURVE any client) domain=%q", d)
			return true
		}
		if auth.pubkeys[d][clientKey] {
			authLogfLocked("ALLOWED (CURVE) domain=%q client_key=%q", d, clientKey)
			return true
		}
	}
	authLogfLocked("DENIED (CURVE) domain=%q client_key=%q", domain, clientKey)
	return false
}

func authIsAddress(s string) bool {
	if net.ParseIP(s) != nil {
		return true
	}
	_, _, err := net.ParseCIDR(s)
	return err == nil
}

// authAddTo adds addresses (IP addresses or CIDR networks) to a list for a
// domain, or to all domains if domain is itself an address (pebbe's
// backward-compatible form).
func authAddTo(addrs map[string]map[string]bool, nets map[string][]*net.IPNet, what, domain string, addresses []string) {
	auth.mu.Lock()
	defer auth.mu.Unlock()
	if authIsAddress(domain) {
		addresses = append([]string{domain}, addresses...)
		domain = "*"
	}
	if addrs[domain] == nil {
		addrs[domain] = make(map[string]bool)
	}
	for _, a := range addresses {
		if _, n, err := net.ParseCIDR(a); err == nil {
			nets[domain] = append(nets[domain], n)
		} else if net.ParseIP(a) != nil {
			addrs[domain][a] = true
		} else {
			authLogfLocked("%s for domain %q: %q is not a valid address or network", what, domain, a)
		}
	}
}

// AuthAllow allows (whitelists) addresses for a domain: IP addresses, or
// networks in CIDR notation. Use domain "*" for all domains.
//
// NULL clients from these addresses are accepted; PLAIN and CURVE clients
// may go on to authenticate. Once a domain has a whitelist, every address
// not on it is denied. If a domain has both a whitelist and a blacklist,
// only the whitelist counts.
//
// For backward compatibility, if domain is itself an address it is taken
// as one more address, and all of them apply to all domains.
func AuthAllow(domain string, addresses ...string) {
	authAddTo(auth.allow, auth.allowNet, "Allow", domain, addresses)
}

// AuthDeny denies (blacklists) addresses for a domain: IP addresses, or
// networks in CIDR notation. Use domain "*" for all domains. Connections
// from these addresses are rejected whatever the mechanism.
//
// For backward compatibility, if domain is itself an address it is taken
// as one more address, and all of them apply to all domains.
func AuthDeny(domain string, addresses ...string) {
	authAddTo(auth.deny, auth.denyNet, "Deny", domain, addresses)
}

// AuthPlainAdd adds a PLAIN user for a domain ("*" for all domains).
func AuthPlainAdd(domain, username, password string) {
	auth.mu.Lock()
	defer auth.mu.Unlock()
	if auth.users[domain] == nil {
		auth.users[domain] = make(map[string]string)
	}
	auth.users[domain][username] = password
}

// AuthPlainRemove removes PLAIN users from a domain.
func AuthPlainRemove(domain string, usernames ...string) {
	auth.mu.Lock()
	defer auth.mu.Unlock()
	for _, u := range usernames {
		delete(auth.users[domain], u)
	}
}

// AuthPlainRemoveAll removes all PLAIN users from a domain.
func AuthPlainRemoveAll(domain string) {
	auth.mu.Lock()
	defer auth.mu.Unlock()
	delete(auth.users, domain)
}

// AuthCurveAdd allows CURVE client public keys, in Z85 text, for a domain
// ("*" for all domains). The key CURVE_ALLOW_ANY allows every client.
func AuthCurveAdd(domain string, pubkeys ...string) {
	auth.mu.Lock()
	defer auth.mu.Unlock()
	if auth.pubkeys[domain] == nil {
		auth.pubkeys[domain] = make(map[string]bool)
	}
	for _, k := range pubkeys {
		auth.pubkeys[domain][k] = true
	}
}

// AuthCurveRemove removes CURVE client keys from a domain.
func AuthCurveRemove(domain string, pubkeys ...string) {
	auth.mu.Lock()
	defer auth.mu.Unlock()
	for _, k := range pubkeys {
		delete(auth.pubkeys[domain], k)
	}
}

// AuthCurveRemoveAll removes all CURVE client keys from a domain.
func AuthCurveRemoveAll(domain string) {
	auth.mu.Lock()
	defer auth.mu.Unlock()
	delete(auth.pubkeys, domain)
}

// AuthSetVerbose turns logging of the handler's decisions on or off.
func AuthSetVerbose(verbose bool) {
	auth.mu.Lock()
	auth.verbose = verbose
	auth.mu.Unlock()
}

// AuthSetMetadataHandler sets the function that gives the metadata of an
// accepted connection's ZAP reply. Its arguments are the ZAP request's
// fields (see ZeroMQ RFC 27). The "User-Id" entry of the map it returns
// becomes the reply's user id; the other entries become the reply's
// metadata. The default handler returns an empty map.
func AuthSetMetadataHandler(
	handler func(
		version, request_id, domain, address, identity, mechanism string, credentials ...string) (metadata map[string]string)) {
	auth.mu.Lock()
	auth.meta = handler
	auth.mu.Unlock()
}

// AuthMetaBlob encodes a metadata property as a ZAP reply carries it. The
// key may be at most 255 bytes long.
func AuthMetaBlob(key, value string) (blob []byte, err error) {
	if len(key) > 255 {
		return []byte{}, errors.New("Key too long")
	}
	return authMetaBlob(key, value), nil
}

// authMetaBlob encodes a property: name length (1 byte), name, value
// length (4 bytes, big-endian), value.
func authMetaBlob(name, value string) []byte {
	b := make([]byte, 0, 1+len(name)+4+len(value))
	b = append(b, byte(len(name)))
	b = append(b, name...)
	n := len(value)
	b = append(b, byte(n>>24), byte(n>>16), byte(n>>8), byte(n))
	return append(b, value...)
}

// ServerAuthNull makes the socket a NULL-mechanism server in a ZAP domain.
func (server *Socket) ServerAuthNull(domain string) error {
	err := server.SetPlainServer(0)
	if err == nil {
		err = server.SetZapDomain(domain)
	}
	return err
}

// ServerAuthPlain makes the socket a PLAIN server in a ZAP domain. As with
// libzmq, a PLAIN server admits clients only through a ZAP handler (see
// AuthStart).
func (server *Socket) ServerAuthPlain(domain string) error {
	err := server.SetPlainServer(1)
	if err == nil {
		err = server.SetZapDomain(domain)
	}
	return err
}

// ServerAuthCurve makes the socket a CURVE server in a ZAP domain, with its
// secret key in Z85 text. Without a ZAP handler every client that knows the
// server's public key is admitted, as with libzmq.
func (server *Socket) ServerAuthCurve(domain, secret_key string) error {
	err := server.SetCurveServer(1)
	if err == nil {
		err = server.SetCurveSecretkey(secret_key)
	}
	if err == nil {
		err = server.SetZapDomain(domain)
	}
	return err
}

// ClientAuthPlain makes the socket a PLAIN client.
func (client *Socket) ClientAuthPlain(username, password string) error {
	err := client.SetPlainUsername(username)
	if err == nil {
		err = client.SetPlainPassword(password)
	}
	return err
}

// ClientAuthCurve makes the socket a CURVE client, with the server's public
// key and its own key pair in Z85 text.
func (client *Socket) ClientAuthCurve(server_public_key, client_public_key, client_secret_key string) error {
	err := client.SetCurveServerkey(server_public_key)
	if err == nil {
		err = client.SetCurvePublickey(client_public_key)
	}
	if err == nil {
		err = client.SetCurveSecretkey(client_secret_key)
	}
	return err
}
