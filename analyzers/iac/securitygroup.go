package iac

import (
	"fmt"
	"net"
	"strings"
)

// exposure is an ingress rule that admits the whole internet.
type exposure struct {
	// cidr is the first public CIDR of the rule, where findings point.
	cidr *Value
	// public lists the internet-wide CIDRs ("0.0.0.0/0", "::/0").
	public []string
	// allPorts is every protocol, or every TCP or UDP port.
	allPorts bool
	protocol string // "tcp" or "udp" when not allPorts
	from, to int64
}

// publicIngress lists the ingress rules of a security group (or of a standalone rule) open to
// the internet (see isInternet) whose protocol and ports are known. ICMP and other protocols without ports
// are left out.
func publicIngress(r *Resource) []exposure {
	rules, _ := r.Attr("ingress").Items()
	var out []exposure
	for _, rule := range rules {
		if rule.Kind != Map {
			continue
		}
		var e exposure
		for _, list := range []string{"cidr_blocks", "ipv6_cidr_blocks"} {
			cidrs, _ := rule.Field(list).Items()
			for _, c := range cidrs {
				if s, ok := c.AsString(); ok && isInternet(s) {
					if e.cidr == nil {
						e.cidr = c
					}
					e.public = append(e.public, strings.TrimSpace(s))
				}
			}
		}
		if e.cidr == nil {
			continue
		}
		proto, ok := rule.Field("protocol").AsString()
		if !ok {
			continue
		}
		switch strings.ToLower(strings.TrimSpace(proto)) {
		case "-1", "all":
			e.allPorts = true
			out = append(out, e)
			continue
		case "tcp", "6":
			e.protocol = "tcp"
		case "udp", "17":
			e.protocol = "udp"
		default:
			continue
		}
		from, ok1 := rule.Field("from_port").AsInt()
		to, ok2 := rule.Field("to_port").AsInt()
		if !ok1 || !ok2 {
			continue
		}
		e.from, e.to = from, to
		e.allPorts = from <= 0 && to >= 65535 || from == -1 && to == -1
		out = append(out, e)
	}
	return out
}

// isInternet reports a CIDR that spans the internet: any /0 ("0.0.0.0/0", and "1.0.0.0/0",
// which is the same network written with stray host bits), or a range so wide it must include
// public space (an IPv4 prefix shorter than /8, an IPv6 prefix shorter than /16 outside the
// unique-local and link-local ranges). Specific public ranges, such as a partner's /24, are
// deliberate and not reported.
func isInternet(cidr string) bool {
	_, network, err := net.ParseCIDR(strings.TrimSpace(cidr))
	if err != nil {
		return false
	}
	ones, bits := network.Mask.Size()
	if ones == 0 {
		return true
	}
	if bits == net.IPv4len*8 {
		return ones < 8
	}
	return ones < 16 && !uniqueLocal.Contains(network.IP) && !linkLocal.Contains(network.IP)
}

var (
	_, uniqueLocal, _ = net.ParseCIDR("fc00::/7")
	_, linkLocal, _   = net.ParseCIDR("fe80::/10")
)

// covers reports whether the rule admits the port over the protocol.
func (e *exposure) covers(protocol string, port int64) bool {
	return e.allPorts || e.protocol == protocol && e.from <= port && port <= e.to
}

// remoteAdminPorts lists the well-known remote administration services the rule admits.
func (e *exposure) remoteAdminPorts() []string {
	var out []string
	if e.covers("tcp", 22) {
		out = append(out, "22 (SSH)")
	}
	if e.covers("tcp", 3389) || e.covers("udp", 3389) {
		out = append(out, "3389 (RDP)")
	}
	return out
}

// ports describes the rule's protocol and ports for messages.
func (e *exposure) ports() string {
	switch {
	case e.allPorts:
		return "all ports"
	case e.from == e.to:
		return fmt.Sprintf("%s port %d", e.protocol, e.from)
	default:
		return fmt.Sprintf("%s ports %d-%d", e.protocol, e.from, e.to)
	}
}

func (e *exposure) sources() string { return strings.Join(e.public, " and ") }
