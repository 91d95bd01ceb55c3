package iac

import "github.com/fourcsec/fourc/shared/finding"

var rdsUnencrypted = &check{
	rule: awsRule(finding.Rule{
		ID:          "aws-rds-unencrypted",
		Title:       "RDS storage is not encrypted",
		Severity:    finding.Medium,
		Description: "storage_encrypted (StorageEncrypted) is false or unset, and unset means false for DB instances and provisioned clusters. The storage, automated backups, read replicas and snapshots are then unencrypted, and encryption cannot be switched on later without restoring from a snapshot copy. Aurora cluster members (encrypted by their cluster), instances restored from a snapshot or replicating a source (which inherit its encryption) and Aurora Serverless v1 clusters (always encrypted) are not reported when the setting is unset.",
		Remediation: "Set storage_encrypted = true (StorageEncrypted: true), with kms_key_id for a customer-managed key if needed.",
		References:  []string{"CIS-AWS-2.3.1", "AWS-FSBP-RDS.3", "AWS-FSBP-RDS.27", "CWE-311"},
	}),
	types: []string{dbInstance, dbCluster},
	run: func(rp *reporter, r *Resource) {
		v := r.Attr("storage_encrypted")
		switch {
		case v.IsFalse():
			rp.report(v, "storage_encrypted", "database "+where(r)+" sets storage_encrypted to "+describe(v), rp.replaceBool(v, true, "Encrypt the storage."))
		case v != nil:
		case r.Attrs.Kind != Map, r.Attr("cluster_identifier") != nil, r.Attr("source") != nil:
			// Unknown, encrypted by its cluster, or inherited from the source.
		case r.Type == dbCluster && r.Attr("engine_mode").StringIs("serverless"):
		case r.Type == dbCluster && r.Attr("engine_mode").IsUnknown():
		case r.Attr("kms_key_id") != nil:
			rp.report(nil, "storage_encrypted", "database "+where(r)+" names a KMS key but does not set storage_encrypted, which defaults to false (the key alone does not encrypt)", nil)
		default:
			rp.report(nil, "storage_encrypted", "database "+where(r)+" does not set storage_encrypted, which defaults to false", nil)
		}
	},
}
