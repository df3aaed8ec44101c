using k8s;
using k8s.Models;
using PsContainers.Core.Kube;

namespace PsContainers.Core.Tests.Kube;

/// <summary>
/// The proof every generated manifest goes through: KubernetesClient's strict YAML loading (unknown fields, wrong
/// types and unknown apiVersion/kind throw) of every document, the engine's own <see cref="KubeValidator"/> finding
/// nothing, and the name rules checked again on the typed objects, independently of the validator.
/// </summary>
internal static class KubeManifestAssert
{
    /// <summary>The typed objects of <paramref name="yaml"/>, after every check passed.</summary>
    public static List<object> Valid(string yaml)
    {
        var objects = KubernetesYaml.LoadAllFromString(yaml, null, strict: true);
        int documents = yaml.Split("\n---\n").Length;
        Assert.Equal(documents, objects.Count);
        Assert.Empty(KubeValidator.Check(yaml));

        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var o in objects)
        {
            var meta = Assert.IsAssignableFrom<IMetadata<V1ObjectMeta>>(o).Metadata;
            Assert.NotNull(meta?.Name);
            Assert.True(seen.Add(o.GetType().Name + "/" + meta!.Name), $"{o.GetType().Name} '{meta.Name}' is written twice");
            if (o is V1Service) Assert.True(KubeNames.IsDns1035Label(meta.Name), $"Service name '{meta.Name}'");
            else Assert.True(KubeNames.IsDnsSubdomain(meta.Name), $"name '{meta.Name}'");
            foreach (var (k, v) in meta.Labels ?? new Dictionary<string, string>())
            {
                Assert.True(KubeNames.IsQualifiedName(k), $"label key '{k}'");
                Assert.True(KubeNames.IsLabelValue(v), $"label value '{v}'");
            }
            switch (o)
            {
                case V1Pod pod:
                    PodSpec(pod.Spec);
                    break;
                case V1Deployment d:
                    PodSpec(d.Spec.Template.Spec);
                    Assert.Equal("Always", d.Spec.Template.Spec.RestartPolicy);
                    foreach (var (k, v) in d.Spec.Selector.MatchLabels) Assert.Equal(v, d.Spec.Template.Metadata.Labels[k]);
                    break;
                case V1Service s:
                    Assert.NotEmpty(s.Spec.Ports);
                    Assert.Equal(s.Spec.Ports.Count, s.Spec.Ports.Select(p => p.Name).Distinct().Count());
                    Assert.All(s.Spec.Ports, p => Assert.InRange(p.Port, 1, 65535));
                    break;
                case V1PersistentVolumeClaim c:
                    Assert.NotEmpty(c.Spec.AccessModes);
                    Assert.True(c.Spec.Resources.Requests.ContainsKey("storage"));
                    break;
                case V1ConfigMap cm:
                    Assert.All(cm.Data.Keys, k => Assert.True(KubeNames.IsConfigMapKey(k), k));
                    break;
            }
        }
        return objects;
    }

    private static void PodSpec(V1PodSpec spec)
    {
        Assert.NotEmpty(spec.Containers);
        var names = spec.Containers.Select(c => c.Name).ToList();
        Assert.Equal(names.Count, names.Distinct().Count());
        Assert.All(names, n => Assert.True(KubeNames.IsDnsLabel(n), $"container name '{n}'"));
        var volumes = (spec.Volumes ?? []).Select(v => v.Name).ToList();
        Assert.Equal(volumes.Count, volumes.Distinct().Count());
        Assert.All(volumes, n => Assert.True(KubeNames.IsDnsLabel(n), $"volume name '{n}'"));
        var ports = spec.Containers.SelectMany(c => c.Ports ?? []).ToList();
        Assert.Equal(ports.Count, ports.Select(p => p.Name).Distinct().Count());
        foreach (var p in ports)
        {
            Assert.True(KubeNames.IsPortName(p.Name), $"port name '{p.Name}'");
            Assert.InRange(p.ContainerPort, 1, 65535);
            if (p.HostPort is int hp) Assert.InRange(hp, 1, 65535);
        }
        foreach (var c in spec.Containers)
            foreach (var m in c.VolumeMounts ?? [])
                Assert.Contains(m.Name, volumes);
        Assert.Contains(spec.RestartPolicy, new[] { "Always", "OnFailure", "Never" });
    }
}
