package iac

import "github.com/fourcsec/fourc/shared/finding"

var ebsUnencrypted = &check{
	rule: awsRule(finding.Rule{
		ID:          "aws-ebs-unencrypted",
		Title:       "EBS volume is not encrypted",
		Severity:    finding.Medium,
		Description: "An EBS volume (aws_ebs_volume, or a root or EBS block device of an instance, launch configuration or launch template) sets encrypted to false or leaves it unset, which means unencrypted unless the account turns on EBS encryption by default (kms_key_id alone does not turn encryption on); or aws_ebs_encryption_by_default turns that default off. An instance or launch configuration without a root block device gets the AMI snapshot's encryption for its root volume, none for most public AMIs, and is reported too. Snapshots of the volume are unencrypted too. Volumes created from a snapshot inherit its encryption and are not reported when unset, nor is anything in a module that enables encryption by default.",
		Remediation: "Set encrypted = true (Encrypted: true), or enable aws_ebs_encryption_by_default for the account and region.",
		References:  []string{"CIS-AWS-2.2.1", "AWS-FSBP-EC2.3", "AWS-FSBP-EC2.7", "CWE-311"},
	}),
	types: []string{ebsVolume, ebsEncryptionByDefault},
	run: func(rp *reporter, r *Resource) {
		if r.Type == ebsEncryptionByDefault {
			if v := r.Attr("enabled"); v.IsFalse() {
				rp.report(v, "enabled", "EBS encryption by default is turned off by "+where(r), rp.replaceBool(v, true, "Turn EBS encryption by default on."))
			}
			return
		}
		if d := r.Attr("default_encryption"); d != nil && !d.IsFalse() {
			return // the account encrypts every new volume whatever the volume says
		}
		if r.Attr("implicit_root").IsTrue() {
			rp.report(nil, "root", where(r)+" does not encrypt its root volume: without a root block device with encrypted = true, it gets the AMI snapshot's encryption, none for most public AMIs", nil)
			return
		}
		v := r.Attr("encrypted")
		switch {
		case v.IsFalse():
			rp.report(v, "encrypted", "EBS volume "+where(r)+" sets encrypted to "+describe(v), rp.replaceBool(v, true, "Encrypt the volume."))
		case v != nil, r.Attrs.Kind != Map, r.Attr("source") != nil:
		case r.Attr("kms_key_id") != nil:
			rp.report(nil, "encrypted", "EBS volume "+where(r)+" names a KMS key but does not set encrypted, which defaults to false (the key alone does not encrypt)", nil)
		default:
			rp.report(nil, "encrypted", "EBS volume "+where(r)+" does not set encrypted, which defaults to false", nil)
		}
	},
}
