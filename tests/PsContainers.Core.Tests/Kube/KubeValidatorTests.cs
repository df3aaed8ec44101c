using PsContainers.Core.Kube;

namespace PsContainers.Core.Tests.Kube;

/// <summary><see cref="KubeValidator"/>: each rule on a crafted manifest, and a clean one that passes.</summary>
public sealed class KubeValidatorTests
{
    private const string Bad = """
        apiVersion: v1
        kind: Pod
        metadata:
          name: Web_Pod
          labels:
            "bad key!": x
            tier: "front end"
        spec:
          restartPolicy: Sometimes
          volumes:
          - name: data
            emptyDir: {}
          - name: data
            emptyDir: {}
          containers:
          - name: web
            image: nginx
            portz: []
            ports:
            - containerPort: 70000
              name: http
            - containerPort: "80"
              name: http
            volumeMounts:
            - name: missing
              mountPath: /x
            resources:
              limits:
                memory: lots
            livenessProbe:
              exec:
                command: [test, 1]
          - name: web
        ---
        apiVersion: v1
        kind: Deployment
        metadata:
          name: dep
        ---
        apiVersion: apps/v1
        kind: Deployment
        metadata:
          name: dep
        spec:
          selector:
            matchLabels:
              app: dep
          template:
            metadata:
              labels:
                app: other
            spec:
              restartPolicy: Never
              containers:
              - name: c
                image: busybox
        ---
        apiVersion: v1
        kind: Service
        metadata:
          name: 1svc
        spec:
          ports:
          - port: 80
          - port: 81
        ---
        apiVersion: v1
        kind: Widget
        metadata:
          name: w
        """;

    [Fact]
    public void CraftedBadManifest_GivesEachFinding()
    {
        var f = KubeValidator.Check(Bad, "bad.yaml");
        string Has(int doc, string path, string text)
        {
            var hit = f.FirstOrDefault(x => x.Document == doc && x.Path == path && x.Message.Contains(text, StringComparison.Ordinal));
            Assert.True(hit is not null, $"no finding at {doc}:{path} containing '{text}'; got:\n" + string.Join("\n", f.Select(x => $"{x.Document}:{x.Path}: {x.Message}")));
            Assert.Equal("bad.yaml", hit!.File);
            Assert.True(hit.Line > 0);
            return hit.Severity;
        }
        Assert.Equal("Error", Has(0, "metadata.name", "not an RFC 1123 subdomain"));
        Has(0, "metadata.labels.bad key!", "not a qualified name");
        Has(0, "metadata.labels.tier", "not a valid label value");
        Has(0, "spec.restartPolicy", "is not Always, OnFailure or Never");
        Has(0, "spec.volumes[1].name", "used twice");
        Has(0, "spec.containers[0].portz", "not a field here");
        Has(0, "spec.containers[0].ports[0].containerPort", "out of range");
        Has(0, "spec.containers[0].ports[1].containerPort", "must be an integer");
        Has(0, "spec.containers[0].ports[1].name", "'http' is used twice");
        Has(0, "spec.containers[0].volumeMounts[0].name", "'missing', which the pod's volumes do not declare");
        Has(0, "spec.containers[0].resources.limits.memory", "not a Kubernetes quantity");
        Has(0, "spec.containers[1].name", "'web' is used twice");
        Has(0, "spec.containers[0].livenessProbe.exec.command[1]", "must be a string");
        Has(0, "spec.containers[1].image", "no image");
        Has(1, "apiVersion", "A Deployment is apiVersion 'apps/v1', not 'v1'");
        Has(2, "metadata.name", "Another Deployment in this file has the name 'dep'");
        Has(2, "spec.template.metadata.labels", "'app: dep' is not on the template");
        Has(2, "spec.template.spec.restartPolicy", "must have restartPolicy Always");
        Has(3, "metadata.name", "not an RFC 1035 label");
        Has(3, "spec.ports[0].name", "several ports needs a name");
        // a kind this check does not know (a custom resource, PodDisruptionBudget) is a warning, not an error (issue 17)
        Assert.Equal("Warning", Has(4, "kind", "'Widget' (v1) is not one this check knows; it is not checked, and a play skips it"));
        Assert.All(f.Where(x => x.Document != 4), x => Assert.Equal("Error", x.Severity));
        Assert.Equal("Pod", f[0].Kind);
        Assert.Equal("Web_Pod", f[0].Name);
    }

    /// <summary>Issue 17: a Secret's data that is not base64 is an error; a probe port name no container port declares is a warning.</summary>
    [Fact]
    public void SecretDataMustBeBase64AndProbePortNamesMustBeDeclared()
    {
        var f = KubeValidator.Check("""
            apiVersion: v1
            kind: Secret
            metadata: {name: s}
            data: {good: aGk=, bad: "not base64!"}
            stringData: {plain: "not base64!"}
            ---
            apiVersion: v1
            kind: Pod
            metadata: {name: p}
            spec:
              containers:
              - name: c
                image: busybox
                ports: [{containerPort: 80, name: web}]
                livenessProbe: {httpGet: {port: web}}
                readinessProbe: {tcpSocket: {port: nosuch}}
                startupProbe: {tcpSocket: {port: 80}}
            """, "app.yaml");
        Assert.Equal(2, f.Count);
        var bad = Assert.Single(f, x => x.Kind == "Secret");
        Assert.Equal(("Error", "data.bad", 4), (bad.Severity, bad.Path, bad.Line));
        Assert.Contains("not base64", bad.Message);
        var port = Assert.Single(f, x => x.Kind == "Pod");
        Assert.Equal(("Warning", "spec.containers[0].readinessProbe.tcpSocket.port"), (port.Severity, port.Path));
        Assert.Contains("'nosuch' names none of the container's ports", port.Message);
    }

    [Fact]
    public void BrokenYaml_IsOneFindingWithItsLine()
    {
        var f = Assert.Single(KubeValidator.Check("apiVersion: v1\nkind: [Pod\n"));
        Assert.Equal("Error", f.Severity);
        Assert.Contains("does not parse", f.Message);
        Assert.True(f.Line >= 2);
    }

    [Fact]
    public void CleanManifest_HasNoFindings_AndEmptyDocumentsAreSkipped()
    {
        const string ok = """
            ---
            apiVersion: v1
            kind: Pod
            metadata:
              name: web
              labels: {app: web}
              annotations: {"example.com/note": "any text: here"}
            spec:
              containers:
              - name: web
                image: nginx
                ports: [{containerPort: 80, name: http, hostPort: 8080}]
                env: [{name: A, value: "1"}]
                livenessProbe: {exec: {command: ["true"]}, periodSeconds: 5}
            ---
            """;
        Assert.Empty(KubeValidator.Check(ok));
    }
}
