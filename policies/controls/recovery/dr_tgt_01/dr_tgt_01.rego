# METADATA
# title: Recovery targets met
# description: >-
#   The stamp's achievable RTO and RPO are within the targets in drready.yaml. They are estimated from
#   the recovery graph; a fresh region-failover drill's measurement stands instead, side by side with
#   the estimate, unless the estimate is unbounded: a step with no path through the secondary (a store
#   without a cross-region copy) cannot have been exercised, so the drill predates the current setup or
#   missed that step, and the worse figure counts. A stamp whose selector matched nothing is unknown.
#   Assumed figures are labelled; override them under capabilities.
# related_resources:
#   - ref: https://learn.microsoft.com/azure/reliability/concept-business-continuity-high-availability-disaster-recovery
#     description: Business continuity, high availability and disaster recovery
# custom:
#   id: DR-TGT-01
#   severity: critical
#   stamps: [web, data, kubernetes, genai]
#   scope: stamp
#   evaluated_by: recovery-targets
package drready.controls.recovery.dr_tgt_01

# Its finding comes from the recovery graph (scanner/recovery.py): achievable RTO and RPO against the
# stamp's targets.
