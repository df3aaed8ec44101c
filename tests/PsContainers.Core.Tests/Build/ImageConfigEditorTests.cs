using System.Text;
using PsContainers.Core.Build;
using PsContainers.Core.Oci;

namespace PsContainers.Core.Tests.BuildFrontend;

/// <summary>Metadata instructions on an image config, as BuildKit's dispatchers apply them, and BuildKit's history texts.</summary>
public sealed class ImageConfigEditorTests
{
    private static readonly DateTime T = new(2026, 1, 2, 3, 4, 5, DateTimeKind.Utc);

    private static ImageConfiguration Base(string configJson = "{}") => ImageConfiguration.Parse(Encoding.UTF8.GetBytes(
        $$"""{"architecture":"amd64","os":"linux","config":{{configJson}},"rootfs":{"type":"layers","diff_ids":["sha256:aa"]},"history":[{"created_by":"base"}]}"""));

    private static DockerfileInstruction I(string line) => DockerfileParser.Parse("FROM a\n" + line, "Dockerfile").Instructions[1];

    private static ImageConfigEditor Editor(string configJson = "{}") => new(Base(configJson)) { HistoryTime = T };

    [Fact]
    public void ShellFormsUseTheShell()
    {
        var e = Editor();
        Assert.Equal("CMD [\"/bin/sh\" \"-c\" \"echo $HOME\"]", e.Apply(I("CMD echo $HOME")));
        Assert.Equal(["/bin/sh", "-c", "echo $HOME"], e.Config.Config!.Cmd);
        Assert.Equal("SHELL [/bin/bash -eo pipefail -c]", e.Apply(I("SHELL [\"/bin/bash\", \"-eo\", \"pipefail\", \"-c\"]")));
        e.Apply(I("ENTRYPOINT exec top -b"));
        var c = e.Config.Config!;
        Assert.Equal(["/bin/bash", "-eo", "pipefail", "-c", "exec top -b"], c.Entrypoint);
        Assert.Equal(["/bin/bash", "-eo", "pipefail", "-c"], c.Shell);
        // CMD was set in this stage before ENTRYPOINT: kept
        Assert.Equal(["/bin/sh", "-c", "echo $HOME"], c.Cmd);
        Assert.Equal("CMD [\"sh\"]", e.Apply(I("CMD [\"sh\"]")));
    }

    [Fact]
    public void EntrypointClearsACmdInheritedFromTheBase()
    {
        // BuildKit dispatchEntrypoint: "if !d.cmd.IsSet { d.image.Config.Cmd = nil }"
        var e = Editor("""{"Cmd":["nginx","-g","daemon off;"]}""");
        Assert.False(e.CmdSet);
        Assert.Equal("ENTRYPOINT [\"/docker-entrypoint.sh\"]", e.Apply(I("ENTRYPOINT [\"/docker-entrypoint.sh\"]")));
        Assert.Null(e.Config.Config!.Cmd);
        e.Apply(I("CMD [\"a\"]"));
        Assert.True(e.CmdSet);
        e.Apply(I("ENTRYPOINT [\"b\"]"));
        Assert.Equal(["a"], e.Config.Config!.Cmd);
        Assert.Equal(["b"], e.Config.Config.Entrypoint);
    }

    [Fact]
    public void EnvReplacesInPlaceAndSeesOldValues()
    {
        var e = Editor("""{"Env":["PATH=/usr/bin","abc=hello"]}""");
        Assert.Equal("ENV abc=bye def=hello", e.Apply(I("ENV abc=bye def=$abc")));
        Assert.Equal("ENV ghi=bye", e.Apply(I("ENV ghi=$abc")));
        Assert.Equal(["PATH=/usr/bin", "abc=bye", "def=hello", "ghi=bye"], e.Config.Config!.Env);
        Assert.Equal("ENV MY_VAR=my-value with spaces", e.Apply(I("ENV MY_VAR my-value with spaces")));
        Assert.Equal("ENV MY_NAME=John Doe MY_DOG=Rex The Dog", e.Apply(I("ENV MY_NAME=\"John Doe\" MY_DOG=Rex\\ The\\ Dog")));
    }

    [Fact]
    public void EnvWinsOverArgInExpansion()
    {
        var e = Editor("""{"Env":["V=env"]}""");
        e.Apply(I("LABEL v=$V w=$W"), new Dictionary<string, string> { ["V"] = "arg", ["W"] = "warg" });
        Assert.Equal("env", e.Config.Config!.Labels["v"]);
        Assert.Equal("warg", e.Config.Config.Labels["w"]);
    }

    [Fact]
    public void LabelsExposeVolumesUserStopsignal()
    {
        var e = Editor("""{"Labels":{"base":"1","version":"0"},"ExposedPorts":{"22/tcp":{}}}""");
        Assert.Equal("LABEL com.example.vendor=ACME Incorporated version=1.0", e.Apply(I("LABEL \"com.example.vendor\"=\"ACME Incorporated\" version=\"1.0\"")));
        Assert.Equal("EXPOSE [80/tcp 80/udp]", e.Apply(I("EXPOSE 80/udp 80")));
        Assert.Equal("EXPOSE [7000/tcp 7001/tcp 7002/tcp]", e.Apply(I("EXPOSE 7000-7002")));
        Assert.Equal("EXPOSE [53/udp]", e.Apply(I("EXPOSE 127.0.0.1:5353:53/UDP")));
        Assert.Equal("VOLUME [/data /var/log]", e.Apply(I("VOLUME [\"/data\", \"/var/log\"]")));
        Assert.Equal("USER patrick:staff", e.Apply(I("USER patrick:staff")));
        Assert.Equal("STOPSIGNAL SIGQUIT", e.Apply(I("STOPSIGNAL SIGQUIT")));
        var c = e.Config.Config!;
        Assert.Equal(new Dictionary<string, string> { ["base"] = "1", ["com.example.vendor"] = "ACME Incorporated", ["version"] = "1.0" }, c.Labels);
        Assert.Equal(["22/tcp", "53/udp", "7000/tcp", "7001/tcp", "7002/tcp", "80/tcp", "80/udp"], c.ExposedPorts);
        Assert.Equal(["/data", "/var/log"], c.Volumes);
        Assert.Equal("patrick:staff", c.User);
        Assert.Equal("SIGQUIT", c.StopSignal);
    }

    [Theory]
    [InlineData("EXPOSE 70000", "invalid containerPort: 70000")]
    [InlineData("EXPOSE 80/xtp", "invalid port: \"80/xtp\": invalid proto: xtp")]
    [InlineData("EXPOSE 90-80", "invalid containerPort: 90-80")]
    [InlineData("STOPSIGNAL SIGNOPE", "invalid signal: SIGNOPE")]
    [InlineData("VOLUME $EMPTY", "VOLUME specified can not be an empty string")]
    [InlineData("RUN x", "RUN is not a metadata instruction")]
    public void Errors(string line, string message)
    {
        var e = Assert.ThrowsAny<PscException>(() => Editor().Apply(I(line)));
        Assert.Equal(ErrorIds.DockerfileSyntax, e.ErrorId);
        Assert.Equal("Dockerfile:2: " + message, e.Message);
    }

    [Fact]
    public void WorkdirIsRelativeToThePrevious()
    {
        // reference, "WORKDIR": WORKDIR /a, WORKDIR b, WORKDIR c -> /a/b/c; ENV DIRPATH=/path ... -> /path/$DIRNAME
        var e = Editor();
        Assert.Equal("WORKDIR /a", e.Apply(I("WORKDIR /a")));
        e.Apply(I("WORKDIR b"));
        e.Apply(I("WORKDIR c"));
        Assert.Equal("/a/b/c", e.Config.Config!.WorkingDir);
        e.Apply(I("ENV DIRPATH=/path"));
        e.Apply(I("WORKDIR $DIRPATH/$DIRNAME"));
        Assert.Equal("/path", e.Config.Config.WorkingDir);
        var f = Editor();
        f.Apply(I("WORKDIR rel/../x/"));
        Assert.Equal("/x", f.Config.Config!.WorkingDir);
        var h = f.Config.History[^1];
        Assert.False(h.EmptyLayer); // BuildKit makes the directory: a layer
        f.Apply(I("WORKDIR /"));
        Assert.True(f.Config.History[^1].EmptyLayer);
    }

    [Fact]
    public void HealthcheckStoredInNanosecondsWithBuildKitsHistory()
    {
        var e = Editor();
        string? by = e.Apply(I("HEALTHCHECK --interval=5m --timeout=3s CMD curl -f http://localhost/ || exit 1"));
        Assert.Equal("HEALTHCHECK {Test:[CMD-SHELL curl -f http://localhost/ || exit 1] Interval:5m0s Timeout:3s StartPeriod:0s StartInterval:0s Retries:0}", by);
        var h = e.Config.Config!.Healthcheck!;
        Assert.Equal(300_000_000_000, h.Interval);
        Assert.Equal(3_000_000_000, h.Timeout);
        // written as docker writes it, zero members left out
        string json = Encoding.UTF8.GetString(e.Config.ToJsonBytes());
        Assert.Contains("\"Healthcheck\":{\"Test\":[\"CMD-SHELL\",\"curl -f http://localhost/ || exit 1\"],\"Interval\":300000000000,\"Timeout\":3000000000}", json);
        e.Apply(I("HEALTHCHECK NONE"));
        Assert.Equal(["NONE"], e.Config.Config.Healthcheck!.Test);
    }

    [Fact]
    public void OnBuildStoresTheRawTriggerWithoutHistory()
    {
        var e = Editor("""{"OnBuild":["RUN first"]}""");
        int before = e.Config.History.Count;
        Assert.Null(e.Apply(I("ONBUILD ADD . /app/src")));
        Assert.Null(e.Apply(I("ONBUILD RUN echo $HOME")));
        Assert.Equal(["RUN first", "ADD . /app/src", "RUN echo $HOME"], e.Config.Config!.OnBuild);
        Assert.Equal(before, e.Config.History.Count);
    }

    [Fact]
    public void MaintainerIsTheAuthor()
    {
        var e = Editor();
        Assert.Equal("MAINTAINER Jane <jane@example.com>", e.Apply(I("MAINTAINER Jane <jane@example.com>")));
        Assert.Equal("Jane <jane@example.com>", e.Config.Author);
    }

    [Fact]
    public void HistoryEntriesAreEmptyLayersWithBuildKitsComment()
    {
        var e = Editor();
        e.Apply(I("ENV a=b"));
        e.Apply(I("CMD [\"sh\"]"), history: false);
        var c = e.Config;
        Assert.Equal(2, c.History.Count);
        Assert.Equal("base", c.History[0].CreatedBy);
        var h = c.History[1];
        Assert.Equal("ENV a=b", h.CreatedBy);
        Assert.True(h.EmptyLayer);
        Assert.Equal(T, h.Created);
        Assert.Equal("buildkit.dockerfile.v0", h.Comment);
        Assert.Equal(["sha256:aa"], c.DiffIds);
        Assert.Equal("amd64", c.Architecture);
        // survives a write and a read
        var back = ImageConfiguration.Parse(c.ToJsonBytes());
        Assert.Equal("ENV a=b", back.History[1].CreatedBy);
        Assert.True(back.History[1].EmptyLayer);
        Assert.Equal(["a=b"], back.Config!.Env);
        Assert.Equal(["sh"], back.Config.Cmd);
    }

    [Fact]
    public void CreatedByForLayerSteps()
    {
        var f = DockerfileParser.Parse("""
            FROM a
            RUN apk add x
            RUN ["/bin/echo", "hi"]
            COPY . .
            COPY --from=build --chown=1:2 --chmod=755 --parents a b /dst/
            ADD <<EOF /f
            hi
            EOF
            ARG A=1 B
            RUN <<EOF
            echo one
            EOF
            RUN cat <<EOF > /x
            body
            EOF
            """, "Dockerfile");
        Assert.Equal("RUN /bin/sh -c apk add x # buildkit", ImageConfigEditor.CreatedByRun((RunInstruction)f.Instructions[1], null, []));
        Assert.Equal("RUN |2 A=1 B= /bin/bash -c apk add x # buildkit", ImageConfigEditor.CreatedByRun((RunInstruction)f.Instructions[1], ["/bin/bash", "-c"], ["A=1", "B="]));
        Assert.Equal("RUN /bin/echo hi # buildkit", ImageConfigEditor.CreatedByRun((RunInstruction)f.Instructions[2], null, []));
        Assert.Equal("COPY . . # buildkit", ImageConfigEditor.CreatedByCopy((CopyInstruction)f.Instructions[3]));
        Assert.Equal("COPY --parents --chown=1:2 --chmod=755 a b /dst/ # buildkit", ImageConfigEditor.CreatedByCopy((CopyInstruction)f.Instructions[4]));
        Assert.Equal("ADD <<EOF /f # buildkit", ImageConfigEditor.CreatedByCopy((CopyInstruction)f.Instructions[5]));
        var scope = DockerfileBuildPlan.Create(f, new Dictionary<string, string> { ["B"] = "2" }).Target.CreateScope();
        var arg = (ArgInstruction)f.Instructions[6];
        scope.Declare(arg, []);
        Assert.Equal("ARG A=1 B=2", ImageConfigEditor.CreatedByArg(arg, scope));
        var heredoc = (RunInstruction)f.Instructions[7];
        Assert.Equal(["/bin/sh", "-c", "echo one\n"], heredoc.ToArgv(null));
        Assert.Null(heredoc.ScriptHeredoc);
        var mixed = (RunInstruction)f.Instructions[8];
        Assert.Equal(["/bin/sh", "-c", "cat <<EOF > /x\nbody\nEOF"], mixed.ToArgv(null));
    }

    [Fact]
    public void ShebangHeredocRunsAsAFile()
    {
        var run = (RunInstruction)DockerfileParser.Parse("FROM a\nRUN <<EOF\n#!/usr/bin/env python3\nprint(1)\nEOF", "Dockerfile").Instructions[1];
        Assert.Equal("EOF", run.ScriptHeredoc!.Name);
        Assert.Equal(["/bin/sh", "-c", "/dev/pipes/EOF"], run.ToArgv(null));
    }

    [Fact]
    public void GoQuoting()
    {
        Assert.Equal("\"a \\\"b\\\" \\\\ \\n\\t\\x01 é\"", ImageConfigEditor.GoQuote("a \"b\" \\ \n\t\u0001 é"));
        var e = Editor();
        Assert.Equal("CMD [\"/bin/sh\" \"-c\" \"nginx -g 'daemon off;'\"]", e.Apply(I("CMD nginx -g 'daemon off;'")));
    }

    [Fact]
    public void CreatedByDoesNotChangeTheEditor()
    {
        var e = Editor("""{"Cmd":["x"]}""");
        Assert.Equal("ENTRYPOINT [\"y\"]", e.CreatedBy(I("ENTRYPOINT [\"y\"]")));
        Assert.Equal(["x"], e.Config.Config!.Cmd);
        Assert.Null(e.Config.Config.Entrypoint);
    }

    [Fact]
    public void CommitChangesApplyWithoutHistory()
    {
        var e = new ImageConfigEditor(Base("""{"Cmd":["sh"],"Env":["PATH=/bin"]}"""));
        foreach (var change in new[] { "ENV DEBUG=1", "CMD [\"nginx\", \"-g\", \"daemon off;\"]", "EXPOSE 80", "WORKDIR /srv" })
            e.Apply(DockerfileParser.ParseInstruction(change), history: false);
        var c = e.Config;
        Assert.Single(c.History);
        Assert.Equal(["PATH=/bin", "DEBUG=1"], c.Config!.Env);
        Assert.Equal(["nginx", "-g", "daemon off;"], c.Config.Cmd);
        Assert.Equal(["80/tcp"], c.Config.ExposedPorts);
        Assert.Equal("/srv", c.Config.WorkingDir);
    }
}
