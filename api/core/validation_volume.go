package core

import (
	"github.com/skiff-io/skiff/api/field"
	"github.com/skiff-io/skiff/api/validation"
)

const fileModeErrorMsg = "must be a number between 0 and 0777 (octal), both inclusive"

// validateVolumes checks a pod's volumes and returns the valid ones by name, for the volume mounts
// to refer to.
func validateVolumes(volumes []Volume, p *field.Path) (map[string]VolumeSource, field.ErrorList) {
	var errs field.ErrorList
	valid := map[string]VolumeSource{}
	names := map[string]bool{}
	for i, v := range volumes {
		vp := p.Index(i)
		namePath := vp.Child("name")
		verrs := validateVolumeSource(&v.VolumeSource, vp)
		if v.Name == "" {
			verrs = append(verrs, field.Required(namePath, ""))
		} else {
			verrs = append(verrs, validation.ValidateDNS1123Label(v.Name, namePath)...)
		}
		if names[v.Name] {
			verrs = append(verrs, field.Duplicate(namePath, v.Name))
		}
		if len(verrs) == 0 {
			names[v.Name] = true
			valid[v.Name] = v.VolumeSource
		} else {
			errs = append(errs, verrs...)
		}
	}
	return valid, errs
}

// validateVolumeSource checks that exactly one source is set, and that source.
func validateVolumeSource(src *VolumeSource, p *field.Path) field.ErrorList {
	var errs field.ErrorList
	n := 0
	one := func(name string, set bool, check func(*field.Path) field.ErrorList) {
		if !set {
			return
		}
		if n > 0 {
			errs = append(errs, field.Forbidden(p.Child(name), "may not specify more than 1 volume type"))
			return
		}
		n++
		errs = append(errs, check(p.Child(name))...)
	}
	one("hostPath", src.HostPath != nil, func(sp *field.Path) field.ErrorList {
		var e field.ErrorList
		if src.HostPath.Path == "" {
			e = append(e, field.Required(sp.Child("path"), ""))
		}
		e = append(e, validatePathNoBacksteps(src.HostPath.Path, sp.Child("path"))...)
		if t := src.HostPath.Type; t != nil {
			switch *t {
			case HostPathUnset, HostPathDirectoryOrCreate, HostPathDirectory, HostPathFileOrCreate, HostPathFile,
				HostPathSocket, HostPathCharDev, HostPathBlockDev:
			default:
				e = append(e, field.NotSupported(sp.Child("type"), t, []HostPathType{HostPathUnset, HostPathBlockDev,
					HostPathCharDev, HostPathDirectory, HostPathDirectoryOrCreate, HostPathFile, HostPathFileOrCreate, HostPathSocket}))
			}
		}
		return e
	})
	one("emptyDir", src.EmptyDir != nil, func(sp *field.Path) field.ErrorList {
		if l := src.EmptyDir.SizeLimit; l != nil && l.Sign() < 0 {
			return field.ErrorList{field.Forbidden(sp.Child("sizeLimit"), "SizeLimit field must be a valid resource quantity")}
		}
		return nil
	})
	one("secret", src.Secret != nil, func(sp *field.Path) field.ErrorList {
		var e field.ErrorList
		if src.Secret.SecretName == "" {
			e = append(e, field.Required(sp.Child("secretName"), ""))
		}
		e = append(e, validateFileMode(src.Secret.DefaultMode, sp.Child("defaultMode"))...)
		for i, kp := range src.Secret.Items {
			e = append(e, validateKeyToPath(&kp, sp.Child("items").Index(i))...)
		}
		return e
	})
	one("nfs", src.NFS != nil, func(sp *field.Path) field.ErrorList {
		var e field.ErrorList
		if src.NFS.Server == "" {
			e = append(e, field.Required(sp.Child("server"), ""))
		}
		if src.NFS.Path == "" {
			e = append(e, field.Required(sp.Child("path"), ""))
		} else if src.NFS.Path[0] != '/' {
			e = append(e, field.Invalid(sp.Child("path"), src.NFS.Path, "must be an absolute path"))
		}
		return e
	})
	one("persistentVolumeClaim", src.PersistentVolumeClaim != nil, func(sp *field.Path) field.ErrorList {
		if src.PersistentVolumeClaim.ClaimName == "" {
			return field.ErrorList{field.Required(sp.Child("claimName"), "")}
		}
		return nil
	})
	one("downwardAPI", src.DownwardAPI != nil, func(sp *field.Path) field.ErrorList {
		e := validateFileMode(src.DownwardAPI.DefaultMode, sp.Child("defaultMode"))
		for _, f := range src.DownwardAPI.Items {
			e = append(e, validateDownwardAPIVolumeFile(&f, sp)...)
		}
		return e
	})
	one("configMap", src.ConfigMap != nil, func(sp *field.Path) field.ErrorList {
		var e field.ErrorList
		if src.ConfigMap.Name == "" {
			e = append(e, field.Required(sp.Child("name"), ""))
		}
		e = append(e, validateFileMode(src.ConfigMap.DefaultMode, sp.Child("defaultMode"))...)
		for i, kp := range src.ConfigMap.Items {
			e = append(e, validateKeyToPath(&kp, sp.Child("items").Index(i))...)
		}
		return e
	})
	one("projected", src.Projected != nil, func(sp *field.Path) field.ErrorList {
		return validateProjectedVolume(src.Projected, sp)
	})
	one("csi", src.CSI != nil, func(sp *field.Path) field.ErrorList {
		if src.CSI.Driver == "" {
			return field.ErrorList{field.Required(sp.Child("driver"), "")}
		}
		return validation.ValidateDNS1123Subdomain(src.CSI.Driver, sp.Child("driver"))
	})
	one("image", src.Image != nil, func(sp *field.Path) field.ErrorList {
		if src.Image.Reference == "" {
			return field.ErrorList{field.Required(sp.Child("reference"), "")}
		}
		return validatePullPolicy(src.Image.PullPolicy, sp.Child("pullPolicy"))
	})
	if n == 0 {
		errs = append(errs, field.Required(p, "must specify a volume type"))
	}
	return errs
}

func validateFileMode(mode *int32, p *field.Path) field.ErrorList {
	if mode != nil && (*mode > 0777 || *mode < 0) {
		return field.ErrorList{field.Invalid(p, *mode, fileModeErrorMsg)}
	}
	return nil
}

func validateKeyToPath(kp *KeyToPath, p *field.Path) field.ErrorList {
	var errs field.ErrorList
	if kp.Key == "" {
		errs = append(errs, field.Required(p.Child("key"), ""))
	}
	if kp.Path == "" {
		errs = append(errs, field.Required(p.Child("path"), ""))
	}
	errs = append(errs, validateLocalNonReservedPath(kp.Path, p.Child("path"))...)
	return append(errs, validateFileMode(kp.Mode, p.Child("mode"))...)
}

// validateDownwardAPIVolumeFile checks one file; as in Kubernetes its errors are reported under the
// volume source, not under the item.
func validateDownwardAPIVolumeFile(f *DownwardAPIVolumeFile, p *field.Path) field.ErrorList {
	var errs field.ErrorList
	if f.Path == "" {
		errs = append(errs, field.Required(p.Child("path"), ""))
	}
	errs = append(errs, validateLocalNonReservedPath(f.Path, p.Child("path"))...)
	switch {
	case f.FieldRef != nil:
		errs = append(errs, validateObjectFieldSelector(f.FieldRef, validVolumeFieldPaths, p.Child("fieldRef"))...)
		if f.ResourceFieldRef != nil {
			errs = append(errs, field.Invalid(p, "resource", "fieldRef and resourceFieldRef can not be specified simultaneously"))
		}
	case f.ResourceFieldRef != nil:
		errs = append(errs, validateResourceFieldSelector(f.ResourceFieldRef, true, p.Child("resourceFieldRef"))...)
	default:
		errs = append(errs, field.Required(p, "one of fieldRef and resourceFieldRef is required"))
	}
	return append(errs, validateFileMode(f.Mode, p.Child("mode"))...)
}

func validateProjectedVolume(pv *ProjectedVolumeSource, p *field.Path) field.ErrorList {
	errs := validateFileMode(pv.DefaultMode, p.Child("defaultMode"))
	paths := map[string]bool{}
	addPath := func(file, owner string) {
		if file == "" {
			return
		}
		if paths[file] {
			errs = append(errs, field.Invalid(p, owner, "conflicting duplicate paths"))
		}
		paths[file] = true
	}
	for i, src := range pv.Sources {
		sp := p.Child("sources").Index(i)
		n := 0
		if s := src.Secret; s != nil {
			n++
			if s.Name == "" {
				errs = append(errs, field.Required(sp.Child("secret", "name"), ""))
			}
			for j, kp := range s.Items {
				errs = append(errs, validateKeyToPath(&kp, sp.Child("secret", "items").Index(j))...)
				addPath(kp.Path, s.Name)
			}
		}
		if c := src.ConfigMap; c != nil {
			n++
			if c.Name == "" {
				errs = append(errs, field.Required(sp.Child("configMap", "name"), ""))
			}
			for j, kp := range c.Items {
				errs = append(errs, validateKeyToPath(&kp, sp.Child("configMap", "items").Index(j))...)
				addPath(kp.Path, c.Name)
			}
		}
		if d := src.DownwardAPI; d != nil {
			n++
			for _, f := range d.Items {
				errs = append(errs, validateDownwardAPIVolumeFile(&f, sp.Child("downwardAPI"))...)
				addPath(f.Path, f.Path)
			}
		}
		if t := src.ServiceAccountToken; t != nil {
			n++
			tp := sp.Child("serviceAccountToken")
			if t.ExpirationSeconds != nil {
				if *t.ExpirationSeconds < 10*60 {
					errs = append(errs, field.Invalid(tp.Child("expirationSeconds"), *t.ExpirationSeconds, "may not specify a duration less than 10 minutes"))
				}
				if *t.ExpirationSeconds > 1<<32 {
					errs = append(errs, field.Invalid(tp.Child("expirationSeconds"), *t.ExpirationSeconds, "may not specify a duration larger than 2^32 seconds"))
				}
			}
			if t.Path == "" {
				errs = append(errs, field.Required(p.Child("path"), ""))
			} else {
				errs = append(errs, validateLocalNonReservedPath(t.Path, tp.Child("path"))...)
				addPath(t.Path, t.Path)
			}
		}
		if n > 1 {
			errs = append(errs, field.Forbidden(sp, "may not specify more than 1 volume type per source"))
		}
	}
	return errs
}
