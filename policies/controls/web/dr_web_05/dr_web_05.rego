# METADATA
# title: WAF with bot protection, same in both regions
# description: >-
#   The Application Gateway WAF policy is enabled in Prevention mode with a core rule set (OWASP 3.2 or
#   later, or Microsoft_DefaultRuleSet 2.1 or later) and Microsoft_BotManagerRuleSet 1.0 or later, and
#   the secondary region's counterpart policy has the same rule sets and versions, mode and custom
#   rules, so a failover does not silently weaken protection.
# related_resources:
#   - ref: https://learn.microsoft.com/azure/web-application-firewall/ag/bot-protection-overview
#     description: Bot protection for Application Gateway WAF
#   - ref: https://learn.microsoft.com/azure/reliability/reliability-application-gateway-v2
#     description: Reliability in Application Gateway v2
# custom:
#   id: DR-WEB-05
#   severity: high
#   stamps: [web]
#   resource_types: [microsoft.network/applicationgatewaywebapplicationfirewallpolicies]
#   mechanism: null
#   plan:
#     azurerm_web_application_firewall_policy:
#       type: Microsoft.Network/ApplicationGatewayWebApplicationFirewallPolicies
#       body:
#         properties.policySettings.state: "policy_settings[0].enabled == `false` && 'Disabled' || 'Enabled'"
#         properties.policySettings.mode: "policy_settings[0].mode"
#         properties.managedRules.managedRuleSets: >-
#           (managed_rules[0].managed_rule_set || `[]`)[].{ruleSetType: type, ruleSetVersion: version}
#         properties.customRules: "(custom_rules || `[]`)[].{name: name, priority: priority, action: action}"
package drready.controls.web.dr_web_05

import data.drready.lib

results := [_policy_result(r) |
	some r in lib.resources_of("microsoft.network/applicationgatewaywebapplicationfirewallpolicies")
]

_settings(r) := s if {
	s := lib.prop(r, ["policySettings"])
	is_object(s)
} else := {}

_rule_sets(r) := {{"type": s.ruleSetType, "version": s.ruleSetVersion} |
	some s in lib.list_or_empty(lib.prop(r, ["managedRules", "managedRuleSets"]))
	is_string(s.ruleSetType)
	is_string(s.ruleSetVersion)
}

_has_set(r, t, minimum) if {
	some s in _rule_sets(r)
	s.type == t
	lib.version_at_least(s.version, minimum)
}

_core(r) if _has_set(r, "OWASP", "3.2")

_core(r) if _has_set(r, "Microsoft_DefaultRuleSet", "2.1")

_custom_rules(r) := {{
	"name": object.get(c, "name", null),
	"priority": object.get(c, "priority", null),
	"action": object.get(c, "action", null),
} |
	some c in lib.list_or_empty(lib.prop(r, ["customRules"]))
}

_state(r) := object.get(_settings(r), "state", null)

_mode(r) := object.get(_settings(r), "mode", null)

_own_gaps(r) := array.concat(
	array.concat(
		[sprintf("policySettings.state is %v", [_state(r)]) | _state(r) != "Enabled"],
		[sprintf("mode is %v: switch to Prevention", [_mode(r)]) | _mode(r) != "Prevention"],
	),
	array.concat(
		["no core rule set OWASP >= 3.2 or Microsoft_DefaultRuleSet >= 2.1" | not _core(r)],
		["no Microsoft_BotManagerRuleSet >= 1.0" | not _has_set(r, "Microsoft_BotManagerRuleSet", "1.0")],
	),
)

_parity_gaps(r, s) := array.concat(
	array.concat(
		[sprintf("counterpart %s has other managed rule sets", [s.name]) | _rule_sets(r) != _rule_sets(s)],
		[sprintf("counterpart %s runs in %v mode", [s.name, _mode(s)]) | _mode(s) != _mode(r)],
	),
	[sprintf("counterpart %s has other custom rules", [s.name]) | _custom_rules(r) != _custom_rules(s)],
)

_gaps(r) := array.concat(_own_gaps(r), _parity_gaps(r, lib.counterpart(r))) if {
	lib.counterpart(r)
} else := array.concat(_own_gaps(r), [lib.no_counterpart_message(r, "the secondary gateway needs the same WAF policy")])

_evidence(r) := {
	"properties.policySettings.state": _state(r),
	"properties.policySettings.mode": _mode(r),
	"properties.managedRules.managedRuleSets": _rule_sets(r),
}

_policy_result(r) := lib.result(r, "not_applicable", lib.not_primary_message(r), _evidence(r)) if {
	not lib.in_primary(r)
} else := lib.result(
	r, "fail",
	concat("", [sprintf("WAF policy %s: ", [lib.name_of(r)]), concat("; ", _gaps(r))]),
	_evidence(r),
) if {
	count(_gaps(r)) > 0
} else := lib.result(
	r, "pass",
	sprintf(
		"WAF policy %s blocks with core and bot rule sets, the same in %s",
		[lib.name_of(r), lib.counterpart(r).name],
	),
	_evidence(r),
)
