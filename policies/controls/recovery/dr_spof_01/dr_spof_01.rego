# METADATA
# title: No single point of failure on the recovery path
# description: >-
#   Every step of the stamp's recovery graph has a path through the secondary region: no data store
#   without a cross-region copy, no cluster without a standby, no self-hosted runtime on one node, no AI
#   gateway or registry in one region only. Derived from the recovery graph and the controls that feed it.
# related_resources:
#   - ref: https://learn.microsoft.com/azure/reliability/concept-business-continuity-high-availability-disaster-recovery
#     description: Business continuity, high availability and disaster recovery
# custom:
#   id: DR-SPOF-01
#   severity: high
#   stamps: [web, data, kubernetes, genai]
#   scope: stamp
#   evaluated_by: recovery-spof
package drready.controls.recovery.dr_spof_01

# Its findings come from the recovery graph (scanner/recovery.py): a step whose recovery waits for
# the primary region, or a failing finding of a control whose METADATA names it a single point of
# failure (custom.spof).
