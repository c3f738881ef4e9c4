package authz

import (
	"sort"
	"sync"

	"github.com/casbin/casbin/v2/log"
	"github.com/casbin/casbin/v2/rbac"
)

// domainMatch is the g domain matching function: a link held in the global
// domain '*' applies in every domain; any other link only in its own.
func domainMatch(domain, pattern string) bool {
	return pattern == GlobalDomain || domain == pattern
}

// roleManager is a Casbin role manager with domains. Casbin's default domain
// manager copies every link of a matching domain ('*') into each other
// domain, which costs links × domains of memory and a full copy for every
// check in a domain it has not seen (measured: 290 MB and 1.8 ms a check for
// 1,000 global links and 300 domains). This one keeps each link once and
// consults the matching domains when it walks the links.
type roleManager struct {
	mu       sync.RWMutex
	links    map[string]map[string]map[string]struct{} // domain → name → roles
	maxLevel int
	match    rbac.MatchingFunc
	// applies caches, per requested domain, the stored domains whose links
	// apply there; reset when the set of stored domains changes.
	applies *sync.Map
	logger  log.Logger
}

var _ rbac.RoleManager = (*roleManager)(nil)

func newRoleManager(maxLevel int) *roleManager {
	rm := &roleManager{maxLevel: maxLevel, logger: &log.DefaultLogger{}}
	_ = rm.Clear()
	return rm
}

func (rm *roleManager) Clear() error {
	rm.mu.Lock()
	defer rm.mu.Unlock()
	rm.links = map[string]map[string]map[string]struct{}{}
	rm.applies = &sync.Map{}
	return nil
}

func domainOf(domains []string) string {
	if len(domains) == 0 {
		return ""
	}
	return domains[0]
}

func (rm *roleManager) AddLink(name1, name2 string, domains ...string) error {
	d := domainOf(domains)
	rm.mu.Lock()
	defer rm.mu.Unlock()
	names, ok := rm.links[d]
	if !ok {
		names = map[string]map[string]struct{}{}
		rm.links[d] = names
		rm.applies = &sync.Map{}
	}
	roles, ok := names[name1]
	if !ok {
		roles = map[string]struct{}{}
		names[name1] = roles
	}
	roles[name2] = struct{}{}
	return nil
}

func (rm *roleManager) DeleteLink(name1, name2 string, domains ...string) error {
	d := domainOf(domains)
	rm.mu.Lock()
	defer rm.mu.Unlock()
	names := rm.links[d]
	roles := names[name1]
	delete(roles, name2)
	if len(roles) == 0 {
		delete(names, name1)
	}
	if len(names) == 0 && names != nil {
		delete(rm.links, d)
		rm.applies = &sync.Map{}
	}
	return nil
}

// BuildRelationship is deprecated in Casbin and does nothing.
func (rm *roleManager) BuildRelationship(string, string, ...string) error { return nil }

// domainsFor returns the stored domains whose links apply in domain d. The
// caller holds rm.mu (read).
func (rm *roleManager) domainsFor(d string) []string {
	if v, ok := rm.applies.Load(d); ok {
		return v.([]string)
	}
	var ds []string
	if _, ok := rm.links[d]; ok {
		ds = append(ds, d)
	}
	for stored := range rm.links {
		if stored != d && rm.match != nil && rm.match(d, stored) {
			ds = append(ds, stored)
		}
	}
	rm.applies.Store(d, ds)
	return ds
}

// HasLink reports whether name1 reaches name2 through at most maxLevel links
// that apply in the domain.
func (rm *roleManager) HasLink(name1, name2 string, domains ...string) (bool, error) {
	if name1 == name2 {
		return true, nil
	}
	rm.mu.RLock()
	defer rm.mu.RUnlock()
	ds := rm.domainsFor(domainOf(domains))
	seen := map[string]bool{name1: true}
	frontier := []string{name1}
	for level := 0; level < rm.maxLevel && len(frontier) > 0; level++ {
		var next []string
		for _, n := range frontier {
			for _, d := range ds {
				for role := range rm.links[d][n] {
					if role == name2 {
						return true, nil
					}
					if !seen[role] {
						seen[role] = true
						next = append(next, role)
					}
				}
			}
		}
		frontier = next
	}
	return false, nil
}

// GetRoles returns the roles name holds directly in the domain.
func (rm *roleManager) GetRoles(name string, domains ...string) ([]string, error) {
	rm.mu.RLock()
	defer rm.mu.RUnlock()
	set := map[string]struct{}{}
	for _, d := range rm.domainsFor(domainOf(domains)) {
		for role := range rm.links[d][name] {
			set[role] = struct{}{}
		}
	}
	return sortedKeys(set), nil
}

// GetUsers returns the names that hold role directly in the domain.
func (rm *roleManager) GetUsers(role string, domains ...string) ([]string, error) {
	rm.mu.RLock()
	defer rm.mu.RUnlock()
	set := map[string]struct{}{}
	for _, d := range rm.domainsFor(domainOf(domains)) {
		for name, roles := range rm.links[d] {
			if _, ok := roles[role]; ok {
				set[name] = struct{}{}
			}
		}
	}
	return sortedKeys(set), nil
}

// GetImplicitRoles returns every role name reaches in the domain.
func (rm *roleManager) GetImplicitRoles(name string, domains ...string) ([]string, error) {
	return rm.closure(name, domains, rm.GetRoles)
}

// GetImplicitUsers returns every name that reaches role in the domain.
func (rm *roleManager) GetImplicitUsers(role string, domains ...string) ([]string, error) {
	return rm.closure(role, domains, rm.GetUsers)
}

func (rm *roleManager) closure(start string, domains []string, step func(string, ...string) ([]string, error)) ([]string, error) {
	seen := map[string]struct{}{}
	frontier := []string{start}
	for level := 0; level < rm.maxLevel && len(frontier) > 0; level++ {
		var next []string
		for _, n := range frontier {
			out, _ := step(n, domains...)
			for _, o := range out {
				if _, ok := seen[o]; !ok && o != start {
					seen[o] = struct{}{}
					next = append(next, o)
				}
			}
		}
		frontier = next
	}
	return sortedKeys(seen), nil
}

// GetDomains returns the domains in which name holds a role directly.
func (rm *roleManager) GetDomains(name string) ([]string, error) {
	rm.mu.RLock()
	defer rm.mu.RUnlock()
	set := map[string]struct{}{}
	for d, names := range rm.links {
		if len(names[name]) > 0 {
			set[d] = struct{}{}
		}
	}
	return sortedKeys(set), nil
}

func (rm *roleManager) GetAllDomains() ([]string, error) {
	rm.mu.RLock()
	defer rm.mu.RUnlock()
	set := make(map[string]struct{}, len(rm.links))
	for d := range rm.links {
		set[d] = struct{}{}
	}
	return sortedKeys(set), nil
}

func (rm *roleManager) DeleteDomain(domain string) error {
	rm.mu.Lock()
	defer rm.mu.Unlock()
	delete(rm.links, domain)
	rm.applies = &sync.Map{}
	return nil
}

func (rm *roleManager) PrintRoles() error {
	if !rm.logger.IsEnabled() {
		return nil
	}
	rm.mu.RLock()
	defer rm.mu.RUnlock()
	var lines []string
	for d, names := range rm.links {
		for n, roles := range names {
			for r := range roles {
				lines = append(lines, n+" < "+r+" @ "+d)
			}
		}
	}
	sort.Strings(lines)
	rm.logger.LogRole(lines)
	return nil
}

func (rm *roleManager) SetLogger(logger log.Logger) { rm.logger = logger }

// Match applies the domain matching function.
func (rm *roleManager) Match(str, pattern string) bool {
	return str == pattern || (rm.match != nil && rm.match(str, pattern))
}

// AddMatchingFunc would allow patterns in role names; our model has none, so
// role names always compare exactly.
func (rm *roleManager) AddMatchingFunc(string, rbac.MatchingFunc) {}

// AddDomainMatchingFunc sets which stored domains apply in a requested one:
// fn(requested, stored).
func (rm *roleManager) AddDomainMatchingFunc(_ string, fn rbac.MatchingFunc) {
	rm.mu.Lock()
	defer rm.mu.Unlock()
	rm.match = fn
	rm.applies = &sync.Map{}
}

func sortedKeys(set map[string]struct{}) []string {
	out := make([]string, 0, len(set))
	for k := range set {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}
