using PsContainers.Core.Build;

namespace PsContainers.Core.Tests.BuildFrontend;

/// <summary>The Dockerfile parser against the Dockerfile reference's own examples (moby/buildkit frontend/dockerfile/docs/reference.md).</summary>
public sealed class DockerfileParserTests
{
    private static Dockerfile P(string text) => DockerfileParser.Parse(text.ReplaceLineEndings("\n"), "Dockerfile");

    private static PscException Fails(string text)
    {
        var e = Assert.ThrowsAny<PscException>(() => P(text));
        Assert.Equal(ErrorIds.DockerfileSyntax, e.ErrorId);
        Assert.Equal(PscErrorCategory.ParserError, e.Category);
        return e;
    }

    [Fact]
    public void ParsesStagesGlobalArgsAndLines()
    {
        // reference, "Understand how ARG and FROM interact"
        var f = P("""
            ARG  CODE_VERSION=latest
            FROM base:${CODE_VERSION}
            CMD  /code/run-app

            FROM extras:${CODE_VERSION} AS Extras
            CMD  /code/run-extras
            """);
        Assert.Equal(5, f.Instructions.Count);
        var arg = Assert.Single(f.GlobalArgs);
        Assert.Equal(new DockerfileArgDeclaration("CODE_VERSION", "latest"), Assert.Single(arg.Arguments));
        Assert.Equal(2, f.Stages.Count);
        Assert.Equal("base:${CODE_VERSION}", f.Stages[0].From.BaseName);
        Assert.Null(f.Stages[0].Name);
        Assert.Equal("extras", f.Stages[1].Name);
        Assert.Equal(1, f.Stages[1].Index);
        Assert.Equal(5, f.Stages[1].From.Line);
        var cmd = Assert.IsType<CmdInstruction>(Assert.Single(f.Stages[1].Instructions));
        Assert.Equal(6, cmd.Line);
        Assert.False(cmd.CommandLine.IsExecForm);
        Assert.Equal("/code/run-extras", cmd.CommandLine.ShellText);
        Assert.Equal("CMD  /code/run-extras", cmd.Original);
        Assert.Equal("Dockerfile:6", cmd.Location);
    }

    [Fact]
    public void RefusesTwoStagesOfTheSameNameAsBuildKitDoes()
    {
        var e = Fails("FROM scratch AS a\nLABEL x=1\nFROM scratch AS b\nFROM scratch AS A\n");
        Assert.StartsWith("Dockerfile:4:", e.Message);
        Assert.Contains("duplicate stage name \"a\"", e.Message);
        Assert.Equal(3, P("FROM scratch AS a\nFROM scratch AS b\nFROM scratch\n").Stages.Count); // unnamed stages are fine
    }

    [Fact]
    public void KeywordsAreCaseInsensitive()
    {
        var f = P("from alpine\nrun echo hi\nCmd [\"sh\"]");
        Assert.Equal(["FROM", "RUN", "CMD"], f.Instructions.Select(i => i.Keyword));
    }

    [Fact]
    public void ContinuationsJoinLinesAndDropCommentsInside()
    {
        // reference, "Format": comment lines inside a continuation are removed
        var f = P("""
            FROM alpine
            RUN echo hello \
            # comment
            world
            """);
        var run = Assert.IsType<RunInstruction>(f.Instructions[1]);
        Assert.Equal("echo hello world", run.CommandLine.ShellText);
        Assert.Equal(2, run.Line);
        Assert.Equal(4, run.EndLine);
    }

    [Fact]
    public void ContinuationLinesKeepTheirLeadingWhitespace()
    {
        var run = (RunInstruction)P("FROM a\nRUN apt-get update && \\\n    apt-get install -y x").Instructions[1];
        Assert.Equal("apt-get update &&     apt-get install -y x", run.CommandLine.ShellText);
    }

    [Fact]
    public void EmptyContinuationLinesAreAllowedWithAWarning()
    {
        var f = P("FROM a\nRUN echo a \\\n\n  b\nRUN echo c");
        Assert.Equal("echo a   b", ((RunInstruction)f.Instructions[1]).CommandLine.ShellText);
        Assert.Equal(4, ((RunInstruction)f.Instructions[2]).Line - 1);
        Assert.Contains(f.Warnings, w => w.StartsWith("Dockerfile:4: empty continuation line", StringComparison.Ordinal));
    }

    [Fact]
    public void EscapeDirectiveSwitchesToBacktick()
    {
        // reference, "escape": the Windows example
        var f = P("""
            # escape=`

            FROM microsoft/nanoserver
            COPY testfile.txt c:\
            RUN dir c:\
            """);
        Assert.Equal('`', f.Escape);
        Assert.Equal("`", f.Directives["escape"]);
        var copy = Assert.IsType<CopyInstruction>(f.Instructions[1]);
        Assert.Equal("c:\\", copy.Destination);
        Assert.Equal("dir c:\\", ((RunInstruction)f.Instructions[2]).CommandLine.ShellText);
        Assert.Equal('`', copy.Escape);
    }

    [Fact]
    public void BacktickContinues()
    {
        var f = P("# escape=`\nFROM a\nRUN echo a `\n  b");
        Assert.Equal("echo a   b", ((RunInstruction)f.Instructions[1]).CommandLine.ShellText);
    }

    [Fact]
    public void WithoutTheDirectiveBackslashContinuesAWindowsPath()
    {
        // reference: without "# escape=`", "COPY testfile.txt c:\" continues onto the next line
        var f = P("FROM microsoft/nanoserver\nCOPY testfile.txt c:\\\nRUN dir c:");
        Assert.Equal(2, f.Instructions.Count);
        var copy = Assert.IsType<CopyInstruction>(f.Instructions[1]);
        // the reference: "results in COPY testfile.txt c:RUN dir c:"
        Assert.Equal("COPY testfile.txt c:RUN dir c:", copy.Original);
        Assert.Equal(["testfile.txt", "c:RUN", "dir"], copy.Sources);
        Assert.Equal("c:", copy.Destination);
    }

    [Fact]
    public void DirectivesOnlyAtTheTop()
    {
        // reference: a directive after a comment, a blank line or an instruction is a comment
        var f = P("# About my dockerfile\n# escape=`\nFROM a\nRUN echo \\\n x");
        Assert.Equal('\\', f.Escape);
        Assert.Empty(f.Directives);
        var g = P("\n# escape=`\nFROM a");
        Assert.Empty(g.Directives);
        var h = P("# syntax=docker/dockerfile:1\n# check=skip=JSONArgsRecommended\nFROM a");
        Assert.Equal("docker/dockerfile:1", h.Directives["syntax"]);
        Assert.Equal("skip=JSONArgsRecommended", h.Directives["check"]);
        // an unknown directive ends the directives (it is a comment)
        var u = P("# unknowndirective=value\n# escape=`\nFROM a");
        Assert.Empty(u.Directives);
    }

    [Fact]
    public void DirectiveErrors()
    {
        Assert.StartsWith("Dockerfile:2: only one escape parser directive", Fails("# escape=\\\n# escape=`\nFROM a").Message);
        Assert.StartsWith("Dockerfile:1: invalid escape token", Fails("# escape=x\nFROM a").Message);
    }

    [Fact]
    public void ExecFormOnlyForAValidJsonArrayOfStrings()
    {
        var f = P("""
            FROM a
            CMD ["echo", "hi"]
            CMD ['echo', 'hi']
            ENTRYPOINT ["top", "-b"]
            RUN ["/bin/bash", "-c", "echo hello"]
            CMD [ "a"
            RUN []
            """);
        var c1 = ((CmdInstruction)f.Instructions[1]).CommandLine;
        Assert.True(c1.IsExecForm);
        Assert.Equal(["echo", "hi"], c1.Arguments);
        var c2 = ((CmdInstruction)f.Instructions[2]).CommandLine;
        Assert.False(c2.IsExecForm);
        Assert.Equal("['echo', 'hi']", c2.ShellText);
        Assert.Equal(["top", "-b"], ((EntrypointInstruction)f.Instructions[3]).CommandLine.Arguments);
        Assert.Equal(["/bin/bash", "-c", "echo hello"], ((RunInstruction)f.Instructions[4]).CommandLine.Arguments);
        Assert.False(((CmdInstruction)f.Instructions[5]).CommandLine.IsExecForm);
        var empty = ((RunInstruction)f.Instructions[6]).CommandLine;
        Assert.True(empty.IsExecForm);
        Assert.Empty(empty.Arguments);
        Assert.StartsWith("Dockerfile:2: when using JSON array syntax, arrays must be comprised of strings only", Fails("FROM a\nCMD [1, 2]").Message);
    }

    [Fact]
    public void ShellFormArgvUsesTheShell()
    {
        var cmd = ((CmdInstruction)P("FROM a\nCMD echo $HOME").Instructions[1]).CommandLine;
        Assert.Equal(["/bin/sh", "-c", "echo $HOME"], cmd.ToArgv(null));
        Assert.Equal(["/bin/bash", "-c", "echo $HOME"], cmd.ToArgv(["/bin/bash", "-c"]));
        var exec = ((CmdInstruction)P("FROM a\nCMD [\"a\"]").Instructions[1]).CommandLine;
        Assert.Equal(["a"], exec.ToArgv(["/bin/bash", "-c"]));
    }

    [Fact]
    public void ShellNeedsJson()
    {
        var s = (ShellInstruction)P("FROM a\nSHELL [\"powershell\", \"-command\"]").Instructions[1];
        Assert.Equal(["powershell", "-command"], s.Shell);
        Assert.StartsWith("Dockerfile:2: SHELL requires the arguments to be in JSON form", Fails("FROM a\nSHELL /bin/bash -c").Message);
        Fails("FROM a\nSHELL []");
    }

    [Fact]
    public void HeredocsForRun()
    {
        // reference, "Here-Documents"
        var f = P("""
            # syntax=docker/dockerfile:1
            FROM debian
            RUN <<EOT bash
              set -ex
              apt-get update
              apt-get install -y vim
            EOT
            RUN echo done
            """);
        var run = (RunInstruction)f.Instructions[1];
        Assert.Equal("<<EOT bash", run.CommandLine.ShellText);
        var h = Assert.Single(run.Heredocs);
        Assert.Equal(new DockerfileHeredoc("EOT", "  set -ex\n  apt-get update\n  apt-get install -y vim\n", true, false), h);
        Assert.Equal(3, run.Line);
        Assert.Equal(7, run.EndLine);
        Assert.Equal(8, f.Instructions[2].Line);
    }

    [Fact]
    public void SeveralHeredocsOnOneLineAndQuotedDelimiters()
    {
        // reference: "COPY <<FILE1 <<FILE2 /dest" and "RUN <<"EOF"" (no expansion)
        var f = P("""
            FROM alpine
            COPY <<FILE1 <<FILE2 /dest
            Line 1
            FILE1
            Line 2
            FILE2
            RUN <<'EOT' sh
            echo $HOME
            EOT
            RUN python3 <<"EOF"
            print("x")
            EOF
            """);
        var copy = (CopyInstruction)f.Instructions[1];
        Assert.Empty(copy.Sources);
        Assert.Equal("/dest", copy.Destination);
        Assert.Equal([new DockerfileHeredoc("FILE1", "Line 1\n", true, false), new DockerfileHeredoc("FILE2", "Line 2\n", true, false)], copy.InlineSources);
        var run = (RunInstruction)f.Instructions[2];
        Assert.False(Assert.Single(run.Heredocs).Expand);
        Assert.Equal("EOT", run.Heredocs[0].Name);
        var py = (RunInstruction)f.Instructions[3];
        Assert.False(py.Heredocs[0].Expand);
        Assert.Equal("print(\"x\")\n", py.Heredocs[0].Content);
    }

    [Fact]
    public void ChompedHeredocDropsLeadingTabs()
    {
        var run = (RunInstruction)P("FROM a\nRUN <<-EOF\n\techo a\n\t\techo b\n\tEOF\nRUN x").Instructions[1];
        Assert.Equal(new DockerfileHeredoc("EOF", "echo a\necho b\n", true, true), Assert.Single(run.Heredocs));
    }

    [Fact]
    public void HeredocWithFileDescriptor()
    {
        var run = (RunInstruction)P("FROM a\nRUN cat 3<<EOF\nx\nEOF").Instructions[1];
        Assert.Equal(3, run.Heredocs[0].FileDescriptor);
    }

    [Fact]
    public void HeredocErrors()
    {
        Assert.StartsWith("Dockerfile:2: unterminated heredoc", Fails("FROM a\nRUN <<EOF\necho").Message);
        Assert.Contains("cannot accept a heredoc as a destination", Fails("FROM a\nCOPY a <<EOF\nx\nEOF").Message);
    }

    [Fact]
    public void NoHeredocInExecFormOrOtherInstructions()
    {
        var f = P("FROM a\nRUN [\"sh\", \"-c\", \"cat <<EOF\"]\nCMD cat <<EOF\nRUN echo ok");
        Assert.Equal(4, f.Instructions.Count);
        Assert.Empty(f.Instructions[1].Heredocs);
    }

    [Fact]
    public void CopyFlags()
    {
        var f = P("""
            FROM a
            COPY --from=build --chown=55:mygroup --chmod=644 --link --parents --exclude=*.txt --exclude="*.md" files* /somedir/
            ADD --chown=bin --checksum=sha256:24454f83 --keep-git-dir=true --unpack=false https://example.com/x.tar /
            COPY ["with space", "/dest dir/"]
            """);
        var c = (CopyInstruction)f.Instructions[1];
        Assert.Equal("build", c.From);
        Assert.Equal("55:mygroup", c.Chown);
        Assert.Equal("644", c.Chmod);
        Assert.True(c.Link);
        Assert.True(c.Parents);
        Assert.Equal(["*.txt", "*.md"], c.Excludes);
        Assert.Equal(["files*"], c.Sources);
        Assert.Equal("/somedir/", c.Destination);
        Assert.Equal(7, c.Flags.Count);
        Assert.Equal("build", c.Flag("from"));
        Assert.Equal("", c.Flag("link"));
        Assert.Null(c.Flag("chmodx"));
        var a = (AddInstruction)f.Instructions[2];
        Assert.Equal("ADD", a.Keyword);
        Assert.Equal("bin", a.Chown);
        Assert.Equal("sha256:24454f83", a.Checksum);
        Assert.True(a.KeepGitDir);
        Assert.False(a.Unpack);
        Assert.Null(a.From);
        var j = (CopyInstruction)f.Instructions[3];
        Assert.True(j.IsJsonForm);
        Assert.Equal(["with space"], j.Sources);
        Assert.Equal("/dest dir/", j.Destination);
    }

    [Fact]
    public void RunAndFromFlags()
    {
        var f = P("""
            FROM --platform=$BUILDPLATFORM golang:1.21 AS build
            RUN --mount=type=cache,target=/root/.cache/go-build --mount=type=bind,source=x,target=/x --network=none --security=insecure go build
            """);
        var from = (FromInstruction)f.Instructions[0];
        Assert.Equal("$BUILDPLATFORM", from.Platform);
        Assert.Equal("build", from.StageName);
        var run = (RunInstruction)f.Instructions[1];
        Assert.Equal(["type=cache,target=/root/.cache/go-build", "type=bind,source=x,target=/x"], run.Mounts);
        Assert.Equal("none", run.Network);
        Assert.Equal("insecure", run.Security);
        Assert.Equal("go build", run.CommandLine.ShellText);
    }

    [Fact]
    public void FlagErrors()
    {
        Assert.StartsWith("Dockerfile:2: unknown flag: from", Fails("FROM a\nADD --from=x a b").Message);
        Assert.StartsWith("Dockerfile:2: unknown flag: foo", Fails("FROM a\nCMD --foo x").Message);
        Assert.StartsWith("Dockerfile:2: missing a value on flag: chown", Fails("FROM a\nCOPY --chown a b").Message);
        Assert.StartsWith("Dockerfile:2: expecting boolean value for flag link", Fails("FROM a\nCOPY --link=maybe a b").Message);
        Assert.StartsWith("Dockerfile:2: duplicate flag specified: from", Fails("FROM a\nCOPY --from=a --from=b a b").Message);
        Assert.StartsWith("Dockerfile:1: unknown flag: platfrom", Fails("FROM --platfrom=x a").Message);
    }

    [Fact]
    public void HealthcheckForms()
    {
        // reference, "HEALTHCHECK"
        var f = P("""
            FROM a
            HEALTHCHECK --interval=5m --timeout=3s \
              CMD curl -f http://localhost/ || exit 1
            HEALTHCHECK --start-period=1m30s --start-interval=500ms --retries=4 CMD ["wget", "-q", "localhost"]
            HEALTHCHECK NONE
            """);
        var h = (HealthcheckInstruction)f.Instructions[1];
        Assert.Equal(TimeSpan.FromMinutes(5), h.Interval);
        Assert.Equal(TimeSpan.FromSeconds(3), h.Timeout);
        var hc = h.ToHealthConfig();
        Assert.Equal(["CMD-SHELL", "curl -f http://localhost/ || exit 1"], hc.Test);
        Assert.Equal(300_000_000_000, hc.Interval);
        Assert.Equal(3_000_000_000, hc.Timeout);
        Assert.Equal(0, hc.Retries);
        var e = ((HealthcheckInstruction)f.Instructions[2]).ToHealthConfig();
        Assert.Equal(["CMD", "wget", "-q", "localhost"], e.Test);
        Assert.Equal(90_000_000_000, e.StartPeriod);
        Assert.Equal(500_000_000, e.StartInterval);
        Assert.Equal(4, e.Retries);
        var none = (HealthcheckInstruction)f.Instructions[3];
        Assert.True(none.IsNone);
        // BuildKit does not read NONE's flags
        var flagged = (HealthcheckInstruction)P("FROM a\nHEALTHCHECK --whatever=1 NONE").Instructions[1];
        Assert.True(flagged.IsNone);
        Assert.Equal([new DockerfileFlag("whatever", "1")], flagged.Flags);
        Assert.Equal(["NONE"], none.ToHealthConfig().Test);
    }

    [Fact]
    public void HealthcheckErrors()
    {
        Assert.Contains("HEALTHCHECK NONE takes no arguments", Fails("FROM a\nHEALTHCHECK NONE x").Message);
        Assert.Contains("Unknown type \"RUN\" in HEALTHCHECK (try CMD)", Fails("FROM a\nHEALTHCHECK RUN x").Message);
        Assert.Contains("Missing command after HEALTHCHECK CMD", Fails("FROM a\nHEALTHCHECK CMD").Message);
        Assert.Contains("cannot be less than 1ms", Fails("FROM a\nHEALTHCHECK --interval=1us CMD x").Message);
        Assert.Contains("--retries cannot be negative", Fails("FROM a\nHEALTHCHECK --retries=-1 CMD x").Message);
        Assert.Contains("invalid duration", Fails("FROM a\nHEALTHCHECK --timeout=soon CMD x").Message);
    }

    [Fact]
    public void EnvAndLabelForms()
    {
        // reference, "ENV" and "LABEL"
        var f = P("""
            FROM a
            ENV MY_NAME="John Doe" MY_DOG=Rex\ The\ Dog \
                MY_CAT=fluffy
            ENV MY_VAR my-value with spaces
            LABEL "com.example.vendor"="ACME Incorporated" version="1.0"
            LABEL description="This text illustrates \
            that label-values can span multiple lines."
            """);
        var env = (EnvInstruction)f.Instructions[1];
        Assert.Equal([new("MY_NAME", "\"John Doe\""), new("MY_DOG", "Rex\\ The\\ Dog"), new DockerfileKeyValue("MY_CAT", "fluffy")], env.Pairs);
        var legacy = (EnvInstruction)f.Instructions[2];
        Assert.Equal(new DockerfileKeyValue("MY_VAR", "my-value with spaces", true), Assert.Single(legacy.Pairs));
        var label = (LabelInstruction)f.Instructions[3];
        Assert.Equal([new("\"com.example.vendor\"", "\"ACME Incorporated\""), new DockerfileKeyValue("version", "\"1.0\"")], label.Pairs);
        Assert.Equal("\"This text illustrates that label-values can span multiple lines.\"", ((LabelInstruction)f.Instructions[4]).Pairs[0].Value);
        Assert.Contains("can't find = in \"b\"", Fails("FROM a\nENV a=1 b").Message);
        Assert.Contains("ENV must have two arguments", Fails("FROM a\nENV a").Message);
        Assert.Contains("LABEL requires at least one argument", Fails("FROM a\nLABEL").Message);
        Assert.Contains("ENV names can not be blank", Fails("FROM a\nENV =x").Message);
    }

    [Fact]
    public void ArgExposeVolumeUserWorkdirStopsignalMaintainer()
    {
        var f = P("""
            FROM a
            ARG user1=someuser buildno
            EXPOSE 80/udp 80/tcp 443
            VOLUME ["/data", "/var/log"]
            VOLUME /a /b
            USER patrick:staff
            WORKDIR /path/to/workdir
            STOPSIGNAL SIGQUIT
            MAINTAINER Jane <jane@example.com>
            """);
        Assert.Equal([new("user1", "someuser"), new DockerfileArgDeclaration("buildno", null)], ((ArgInstruction)f.Instructions[1]).Arguments);
        Assert.Equal(["443", "80/tcp", "80/udp"], ((ExposeInstruction)f.Instructions[2]).Ports);
        var v = (VolumeInstruction)f.Instructions[3];
        Assert.True(v.IsJsonForm);
        Assert.Equal(["/data", "/var/log"], v.Paths);
        Assert.Equal(["/a", "/b"], ((VolumeInstruction)f.Instructions[4]).Paths);
        Assert.Equal("patrick:staff", ((UserInstruction)f.Instructions[5]).User);
        Assert.Equal("/path/to/workdir", ((WorkdirInstruction)f.Instructions[6]).Path);
        Assert.Equal("SIGQUIT", ((StopSignalInstruction)f.Instructions[7]).Signal);
        Assert.Equal("Jane <jane@example.com>", ((MaintainerInstruction)f.Instructions[8]).Maintainer);
    }

    [Fact]
    public void OnBuildStoresTheTriggerText()
    {
        // reference, "ONBUILD"
        var f = P("FROM a\nONBUILD ADD . /app/src\nONBUILD RUN /usr/local/bin/python-build --dir /app/src\nonbuild run <<EOF\necho x\nEOF");
        var o = (OnBuildInstruction)f.Instructions[1];
        Assert.Equal("ADD . /app/src", o.Expression);
        Assert.IsType<AddInstruction>(o.Trigger);
        Assert.Equal("RUN /usr/local/bin/python-build --dir /app/src", ((OnBuildInstruction)f.Instructions[2]).Expression);
        var h = (OnBuildInstruction)f.Instructions[3];
        Assert.Equal("run <<EOF", h.Expression);
        Assert.Equal("echo x\n", Assert.Single(h.Trigger.Heredocs).Content);
        Assert.Contains("Chaining ONBUILD via `ONBUILD ONBUILD` isn't allowed", Fails("FROM a\nONBUILD ONBUILD RUN x").Message);
        Assert.Contains("FROM isn't allowed as an ONBUILD trigger", Fails("FROM a\nONBUILD FROM b").Message);
        Assert.Contains("MAINTAINER isn't allowed as an ONBUILD trigger", Fails("FROM a\nONBUILD MAINTAINER b").Message);
    }

    [Fact]
    public void StructuralErrorsCarryFileAndLine()
    {
        Assert.Equal("Dockerfile:3: unknown instruction: FORM", Fails("FROM a\n\nFORM b").Message);
        Assert.StartsWith("Dockerfile:1: no build stage in current context: RUN before the first FROM", Fails("RUN x\nFROM a").Message);
        Assert.Contains("file with no instructions", Fails("# just a comment\n\n").Message);
        Assert.Contains("FROM requires either one or three arguments", Fails("FROM a AS").Message);
        Assert.Contains("invalid name for build stage: \"1st\"", Fails("FROM a AS 1st").Message);
        Assert.Contains("COPY requires at least two arguments", Fails("FROM a\nCOPY a").Message);
        Assert.Contains("WORKDIR requires exactly one argument", Fails("FROM a\nWORKDIR").Message);
        Assert.Contains("VOLUME specified can not be an empty string", Fails("FROM a\nVOLUME [\"\"]").Message);
        var e = Assert.ThrowsAny<PscException>(() => DockerfileParser.Parse("FROM a\nBOGUS x", "build/Containerfile"));
        Assert.Equal("build/Containerfile:2: unknown instruction: BOGUS", e.Message);
    }

    [Fact]
    public void ByteOrderMarkAndCrLf()
    {
        var f = DockerfileParser.Parse("\uFEFFFROM a\r\nRUN echo a \\\r\n b\r\n", "Dockerfile");
        Assert.Equal("echo a  b", ((RunInstruction)f.Instructions[1]).CommandLine.ShellText);
    }

    [Fact]
    public void ParseInstructionAcceptsOnlyCommitChanges()
    {
        var cmd = Assert.IsType<CmdInstruction>(DockerfileParser.ParseInstruction("CMD [\"nginx\", \"-g\", \"daemon off;\"]"));
        Assert.Equal(["nginx", "-g", "daemon off;"], cmd.CommandLine.Arguments);
        Assert.IsType<EnvInstruction>(DockerfileParser.ParseInstruction("ENV A=1 B=2"));
        foreach (var ok in new[] { "ENTRYPOINT x", "EXPOSE 80", "LABEL a=b", "ONBUILD RUN x", "USER 1", "VOLUME /v", "WORKDIR /w", "STOPSIGNAL 9", "HEALTHCHECK NONE", "SHELL [\"sh\"]" })
            Assert.True(DockerfileParser.CommitInstructions.Contains(DockerfileParser.ParseInstruction(ok).Keyword));
        foreach (var bad in new[] { "RUN x", "COPY a b", "FROM a", "ARG x", "ADD a b", "MAINTAINER me" })
        {
            var e = Assert.ThrowsAny<PscException>(() => DockerfileParser.ParseInstruction(bad));
            Assert.Equal(ErrorIds.DockerfileSyntax, e.ErrorId);
            Assert.EndsWith("is not a valid change command", e.Message);
            Assert.StartsWith("change:1: ", e.Message);
        }
        Assert.ThrowsAny<PscException>(() => DockerfileParser.ParseInstruction("CMD a\nCMD b"));
        Assert.ThrowsAny<PscException>(() => DockerfileParser.ParseInstruction(""));
        Assert.Equal("change:1: unknown instruction: CMDX", Assert.ThrowsAny<PscException>(() => DockerfileParser.ParseInstruction("CMDX a")).Message);
    }

    [Fact]
    public void ParseTriggerReadsAStoredOnBuild()
    {
        // the reference's ONBUILD example, as a child build reads the base image's OnBuild
        var add = Assert.IsType<AddInstruction>(DockerfileParser.ParseTrigger("ADD . /app/src", "ONBUILD of base"));
        Assert.Equal(["."], add.Sources);
        Assert.Equal("ONBUILD of base:1", add.Location);
        Assert.IsType<RunInstruction>(DockerfileParser.ParseTrigger("RUN /usr/local/bin/python-build --dir /app/src", "b"));
        Assert.Contains("isn't allowed as an ONBUILD trigger", Assert.ThrowsAny<PscException>(() => DockerfileParser.ParseTrigger("FROM x", "b")).Message);
        Assert.Contains("ONBUILD ONBUILD", Assert.ThrowsAny<PscException>(() => DockerfileParser.ParseTrigger("ONBUILD RUN x", "b")).Message);
        Assert.Equal(ErrorIds.DockerfileSyntax, Assert.ThrowsAny<PscException>(() => DockerfileParser.ParseTrigger("RUN a\nRUN b", "b")).ErrorId);
    }

    [Fact]
    public void CopyHeredocBodiesExpandUnlessQuoted()
    {
        // reference, "Here-Documents": COPY <<-EOT /script.sh ... with $FOO expanded; <<"EOT" keeps it
        var f = P("FROM a\nCOPY <<EOF /x\nhello $NAME \"q\" 'q' \\$NOT\nEOF\nCOPY <<'EOF' /y\nhello $NAME\nEOF");
        var env = new Dictionary<string, string> { ["NAME"] = "world", ["NOT"] = "no" };
        var x = (CopyInstruction)f.Instructions[1].Expand(env);
        Assert.Equal("hello world \"q\" 'q' $NOT\n", x.InlineSources[0].Content);
        var y = (CopyInstruction)f.Instructions[2].Expand(env);
        Assert.Equal("hello $NAME\n", y.InlineSources[0].Content);
    }
}
