# METADATA
# title: Recovery targets met
# description: >-
#   The stamp's achievable RTO and RPO - measured in a fresh drill, else estimated from the recovery
#   graph - are within the targets in drready.yaml. Assumed figures are labelled; override them under
#   capabilities.
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
