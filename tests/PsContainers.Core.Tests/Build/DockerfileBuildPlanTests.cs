using PsContainers.Core.Build;
using PsContainers.Core.Oci;

namespace PsContainers.Core.Tests.BuildFrontend;

/// <summary>Stages, targets and ARG scoping against the reference's "ARG" and "FROM" sections.</summary>
public sealed class DockerfileBuildPlanTests
{
    private static readonly Platform Amd64 = new("linux", "amd64", null);

    private static DockerfileBuildPlan Plan(string text, Dictionary<string, string>? args = null, string? target = null) =>
        DockerfileBuildPlan.Create(DockerfileParser.Parse(text, "Dockerfile"), args, target, Amd64, Amd64);

    /// <summary>Walk a stage as an executor does: ARG declares, ENV edits the config env; returns the scope and the env.</summary>
    private static (BuildVariableScope Scope, List<string> Env) Walk(BuildPlanStage stage, BuildVariableScope? baseScope = null, List<string>? baseEnv = null, int upToLine = int.MaxValue)
    {
        var scope = stage.CreateScope(baseScope);
        var env = new List<string>(baseEnv ?? []);
        foreach (var i in stage.Instructions.Where(i => i.Line < upToLine))
        {
            if (i is ArgInstruction a) scope.Declare(a, env);
            else if (scope.Expand(i, env) is EnvInstruction e)
                foreach (var p in e.Pairs) { env.RemoveAll(x => x.StartsWith(p.Key + "=", StringComparison.Ordinal)); env.Add(p.Key + "=" + p.Value); }
        }
        return (scope, env);
    }

    [Fact]
    public void GlobalArgsExpandFromLines()
    {
        // reference, "Understand how ARG and FROM interact"
        const string df = """
            ARG  CODE_VERSION=latest
            FROM base:${CODE_VERSION}
            CMD  /code/run-app

            FROM extras:${CODE_VERSION}
            CMD  /code/run-extras
            """;
        var p = Plan(df);
        Assert.Equal(["base:latest", "extras:latest"], p.Stages.Select(s => s.BaseName));
        Assert.All(p.Stages, s => Assert.Equal(BuildBaseKind.Image, s.BaseKind));
        Assert.Equal("latest", p.GlobalArgs["CODE_VERSION"]);
        Assert.Equal("extras:1.2", Plan(df, new() { ["CODE_VERSION"] = "1.2" }).Stages[1].BaseName);
    }

    [Fact]
    public void GlobalArgIsNotVisibleInAStageUntilRedeclared()
    {
        // reference: "ARG VERSION=latest / FROM busybox:$VERSION / ARG VERSION / RUN echo $VERSION > image_version"
        var p = Plan("ARG VERSION=latest\nFROM busybox:$VERSION\nRUN echo $VERSION\nARG VERSION\nRUN echo $VERSION > image_version");
        var stage = p.Target;
        Assert.Equal("busybox:latest", stage.BaseName);
        var before = Walk(stage, upToLine: 4);
        Assert.Empty(before.Scope.Args);
        Assert.DoesNotContain(before.Scope.RunEnvironment(before.Env), e => e.StartsWith("VERSION=", StringComparison.Ordinal));
        var after = Walk(stage);
        Assert.Equal("latest", after.Scope.Args["VERSION"]);
        Assert.Equal(["VERSION=latest"], after.Scope.RunEnvironment([]));
        // with --build-arg the re-declared name takes the given value
        var given = Walk(Plan("ARG VERSION=latest\nFROM busybox:$VERSION\nARG VERSION", new() { ["VERSION"] = "1.36" }).Target);
        Assert.Equal("1.36", given.Scope.Args["VERSION"]);
    }

    [Fact]
    public void BeforeItsArgLineAVariableIsEmptyEvenWithABuildArg()
    {
        // reference, "Scope": "USER ${username:-some_user}" before "ARG username" uses some_user
        var p = Plan("FROM busybox\nUSER ${username:-some_user}\nARG username\nUSER $username", new() { ["username"] = "what_user" });
        var scope = p.Target.CreateScope();
        var first = (UserInstruction)scope.Expand(p.Target.Instructions[0], []);
        Assert.Equal("some_user", first.User);
        scope.Declare((ArgInstruction)p.Target.Instructions[1], []);
        Assert.Equal("what_user", ((UserInstruction)scope.Expand(p.Target.Instructions[2], [])).User);
    }

    [Fact]
    public void ArgInAStageEndsWithTheStage()
    {
        // reference, "Scope": an ARG goes out of scope at the end of its stage
        var p = Plan("FROM busybox\nARG SETTINGS\nRUN ./run/setup $SETTINGS\n\nFROM busybox\nRUN ./run/other $SETTINGS", new() { ["SETTINGS"] = "x" });
        Assert.Equal("x", Walk(p.Stages[0]).Scope.Args["SETTINGS"]);
        Assert.Empty(Walk(p.Stages[1]).Scope.Args);
        // the target (the last stage) does not need stage 0, so nothing consumed SETTINGS
        Assert.Equal(["SETTINGS"], p.UnusedBuildArgs);
    }

    [Fact]
    public void StageBasedOnAStageKeepsItsArgs()
    {
        var p = Plan("FROM busybox AS base\nARG A=1\nFROM base AS child\nRUN echo $A");
        var child = p.Stages[1];
        Assert.Equal(BuildBaseKind.Stage, child.BaseKind);
        Assert.Same(p.Stages[0], child.BaseStage);
        var parent = Walk(p.Stages[0]);
        Assert.Equal("1", Walk(child, parent.Scope).Scope.Args["A"]);
        Assert.Empty(child.CreateScope().Args);
    }

    [Fact]
    public void EnvWinsOverArg()
    {
        // reference, "Using ARG variables": ENV CONT_IMG_VER=v1.0.0 after ARG CONT_IMG_VER wins over --build-arg
        var p = Plan("FROM ubuntu\nARG CONT_IMG_VER\nENV CONT_IMG_VER=v1.0.0\nRUN echo $CONT_IMG_VER", new() { ["CONT_IMG_VER"] = "v2.0.1" });
        var (scope, env) = Walk(p.Target);
        Assert.Equal(["CONT_IMG_VER=v1.0.0"], scope.RunEnvironment(env));
        Assert.Equal("v1.0.0", scope.ExpansionEnvironment(env)["CONT_IMG_VER"]);
        Assert.Equal(["CONT_IMG_VER=v1.0.0"], scope.VisibleArgs(env));
        // an ENV before a same-named ARG also wins
        var q = Walk(Plan("FROM a\nENV V=env\nARG V=arg").Target);
        Assert.Equal(["V=env"], q.Scope.RunEnvironment(q.Env));
    }

    [Fact]
    public void EnvAndArgTogether()
    {
        // reference: ARG CONT_IMG_VER / ENV CONT_IMG_VER=${CONT_IMG_VER:-v1.0.0}
        const string df = "FROM ubuntu\nARG CONT_IMG_VER\nENV CONT_IMG_VER=${CONT_IMG_VER:-v1.0.0}\nRUN echo $CONT_IMG_VER";
        Assert.Equal(["CONT_IMG_VER=v1.0.0"], Walk(Plan(df).Target).Env);
        Assert.Equal(["CONT_IMG_VER=v2.0.1"], Walk(Plan(df, new() { ["CONT_IMG_VER"] = "v2.0.1" }).Target).Env);
    }

    [Fact]
    public void EnvLineSeesTheOldValues()
    {
        // reference, "Environment replacement": ENV abc=hello / ENV abc=bye def=$abc / ENV ghi=$abc
        var (_, env) = Walk(Plan("FROM a\nENV abc=hello\nENV abc=bye def=$abc\nENV ghi=$abc").Target);
        Assert.Equal(["abc=bye", "def=hello", "ghi=bye"], env);
    }

    [Theory]
    [InlineData("RUN --mount=type=cache,target=/ true")]
    [InlineData("RUN --mount=type=bind,source=x,dst=/./ true")]
    [InlineData("RUN --mount=type=cache,target=/c --mount=destination=/a/.. true")]
    public void AMountOverTheRootIsRefusedWhenTheDockerfileIsReadInAnyStage(string run)
    {
        // BuildKit refuses target "/" when it parses the Dockerfile, before any step runs (also in a stage not built)
        var e = Assert.ThrowsAny<PscException>(() => Plan($"FROM a AS unused\n{run}\nFROM b\nRUN true"));
        Assert.Equal(ErrorIds.BuildMountInvalid, e.ErrorId);
        Assert.EndsWith(":2: invalid RUN --mount '" + run.Split(' ')[1..^1].Last()[8..] + "': invalid mount target \"/\" (the root of the container cannot be a mount).", e.Message, StringComparison.Ordinal);
        // a relative target or one with a variable waits for the step (it needs WORKDIR and the ARGs)
        Assert.NotNull(Plan("FROM a\nRUN --mount=type=cache,target=. --mount=type=cache,target=$T true"));
    }

    [Fact]
    public void SourceDateEpochIsTheBuildersNotAnUnusedArgNorAVisibleOne()
    {
        // BuildKit 0.11+: SOURCE_DATE_EPOCH sets the image's times; it is no ordinary ARG (no warning, not in created_by)
        var p = Plan("FROM a\nRUN true", new() { ["SOURCE_DATE_EPOCH"] = "1700000000", ["NOPE"] = "z" });
        Assert.Equal(["NOPE"], p.UnusedBuildArgs);
        var (scope, env) = Walk(p.Target);
        Assert.Empty(scope.VisibleArgs(env));
        Assert.Equal(new DateTime(2023, 11, 14, 22, 13, 20, DateTimeKind.Utc), ImageBuilder.SourceDateEpoch(new Dictionary<string, string> { ["SOURCE_DATE_EPOCH"] = "1700000000" }));
        Assert.Equal(DateTime.UnixEpoch, ImageBuilder.SourceDateEpoch(new Dictionary<string, string> { ["SOURCE_DATE_EPOCH"] = "0" }));
        Assert.Null(ImageBuilder.SourceDateEpoch(new Dictionary<string, string> { ["SOURCE_DATE_EPOCH"] = "" }));
        Assert.Null(ImageBuilder.SourceDateEpoch(new Dictionary<string, string>()));
        foreach (var bad in new[] { "-1", "1.5", " 1", "0x10", "yesterday", "99999999999999" })
        {
            var e = Assert.ThrowsAny<PscException>(() => ImageBuilder.SourceDateEpoch(new Dictionary<string, string> { ["SOURCE_DATE_EPOCH"] = bad }));
            Assert.Equal(ErrorIds.InvalidSourceDateEpoch, e.ErrorId);
            Assert.Contains($"'{bad}'", e.Message, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void DefaultsSeeEarlierArgsAndBuildArgsOverrideOnlyDeclared()
    {
        var p = Plan("FROM a\nARG A=x B=${A}y\nARG C", new() { ["A"] = "1", ["C"] = "3", ["NOPE"] = "z", ["HTTP_PROXY"] = "http://p" });
        var (scope, env) = Walk(p.Target);
        Assert.Equal("1", scope.Args["A"]);
        Assert.Equal("1y", scope.Args["B"]);
        Assert.Equal("3", scope.Args["C"]);
        Assert.False(scope.Args.ContainsKey("NOPE"));
        Assert.Equal(["NOPE"], p.UnusedBuildArgs);
        Assert.Equal(["A=1", "B=1y", "C=3", "HTTP_PROXY=http://p"], scope.RunEnvironment(env));
        Assert.Equal(["A=1", "B=1y", "C=3"], scope.VisibleArgs(env));
    }

    [Fact]
    public void DeclaredWithoutValueIsNotInTheEnvironment()
    {
        var (scope, env) = Walk(Plan("FROM a\nARG user").Target);
        Assert.Empty(scope.RunEnvironment(env));
        Assert.Equal(["user"], scope.Declared);
        Assert.Equal(["user="], scope.VisibleArgs(env));
    }

    [Fact]
    public void PredefinedPlatformArgs()
    {
        // reference, "Automatic platform ARGs in the global scope"
        var arm = new Platform("linux", "arm64", "v8");
        var f = DockerfileParser.Parse("FROM --platform=$BUILDPLATFORM golang AS build\nARG TARGETOS TARGETARCH\nRUN echo $TARGETARCH\nFROM alpine\nRUN echo $TARGETARCH", "Dockerfile");
        var p = DockerfileBuildPlan.Create(f, null, null, arm, Amd64);
        Assert.Equal("linux/amd64", p.Stages[0].Platform);
        Assert.Equal("linux/arm64/v8", p.GlobalArgs["TARGETPLATFORM"]);
        Assert.Equal("v8", p.GlobalArgs["TARGETVARIANT"]);
        var build = Walk(p.Stages[0]).Scope;
        Assert.Equal("arm64", build.Args["TARGETARCH"]);
        Assert.Equal("linux", build.Args["TARGETOS"]);
        Assert.Empty(Walk(p.Stages[1]).Scope.Args);
        Assert.Equal("default", p.GlobalArgs["TARGETSTAGE"]);
    }

    [Fact]
    public void ProxyArgsNeedNoDeclarationAndAreNeverUnused()
    {
        var p = Plan("FROM a\nRUN wget x", new() { ["https_proxy"] = "http://p:3128", ["TARGETARCH"] = "arm64" });
        Assert.Empty(p.UnusedBuildArgs);
        var scope = p.Target.CreateScope();
        Assert.Equal(["PATH=/bin", "https_proxy=http://p:3128"], scope.RunEnvironment(["PATH=/bin"]));
        Assert.Empty(scope.VisibleArgs([]));
        Assert.False(scope.ExpansionEnvironment([]).ContainsKey("https_proxy"));
        Assert.Equal("arm64", p.GlobalArgs["TARGETARCH"]);
    }

    [Fact]
    public void TargetAndRequiredStages()
    {
        const string df = """
            FROM golang AS deps
            RUN go mod download
            FROM deps AS build
            RUN go build
            FROM alpine AS unused
            RUN echo never
            FROM scratch AS final
            COPY --from=build /app /app
            COPY --from=2 /x /x
            COPY --from=nginx:latest /etc/nginx /etc/nginx
            """;
        var p = Plan(df);
        Assert.Equal("final", p.Target.Name);
        Assert.Equal(BuildBaseKind.Scratch, p.Target.BaseKind);
        Assert.Equal(["deps", "build", "unused", "final"], p.RequiredStages.Select(s => s.Name));
        Assert.Equal(["nginx:latest"], p.Target.ImageDependencies);
        var noIndex = Plan(df.Replace("COPY --from=2 /x /x\n", ""));
        Assert.Equal(["deps", "build", "final"], noIndex.RequiredStages.Select(s => s.Name));
        var toBuild = Plan(df, target: "BUILD");
        Assert.Equal(["deps", "build"], toBuild.RequiredStages.Select(s => s.Name));
        Assert.Equal("build", toBuild.GlobalArgs["TARGETSTAGE"]);
    }

    [Fact]
    public void UnusedStagesArgsDoNotCount()
    {
        var p = Plan("FROM a AS one\nARG ONLY_ONE\nFROM b AS two\nRUN x", new() { ["ONLY_ONE"] = "1" }, target: "two");
        Assert.Equal(["ONLY_ONE"], p.UnusedBuildArgs);
    }

    [Fact]
    public void RunMountFromIsADependency()
    {
        var p = Plan("FROM a AS tools\nFROM b\nRUN --mount=type=bind,from=tools,target=/t ls /t");
        Assert.Equal(["tools", null], p.RequiredStages.Select(s => s.Name));
    }

    [Fact]
    public void PlanErrors()
    {
        var e = Assert.ThrowsAny<PscException>(() => Plan("FROM a AS x", target: "y"));
        Assert.Equal(ErrorIds.BuildTargetNotFound, e.ErrorId);
        Assert.Equal("target stage \"y\" could not be found", e.Message);
        Assert.Equal(ErrorIds.BuildTargetNotFound, Assert.ThrowsAny<PscException>(() => Plan("FROM a\nCOPY --from=5 /a /b")).ErrorId);
        Assert.Contains("circular dependency", Assert.ThrowsAny<PscException>(() => Plan("FROM a AS one\nCOPY --from=1 /a /b\nFROM b AS two\nCOPY --from=one /a /b")).Message);
        var blank = Assert.ThrowsAny<PscException>(() => Plan("ARG IMG\nFROM $IMG"));
        Assert.Equal(ErrorIds.DockerfileSyntax, blank.ErrorId);
        Assert.Equal("Dockerfile:2: base name ($IMG) should not be blank", blank.Message);
        Assert.Contains("variable expansion is not supported for --from", Assert.ThrowsAny<PscException>(() => Plan("FROM a\nARG S=x\nCOPY --from=$S /a /b")).Message);
    }

    [Fact]
    public void GlobalArgDefaultsSeeEarlierGlobals()
    {
        var p = Plan("ARG REPO=docker.io\nARG IMG=${REPO}/library/alpine\nFROM ${IMG}:3", new() { ["REPO"] = "localhost:5000" });
        Assert.Equal("localhost:5000/library/alpine:3", p.Target.BaseName);
    }
}
