using PsContainers.Core.Build;

namespace PsContainers.Core.Tests.BuildFrontend;

/// <summary>Variable substitution and word processing against the reference's "Environment replacement" section and BuildKit's lexer rules.</summary>
public sealed class ShellWordExpanderTests
{
    private static readonly Dictionary<string, string> Env = new()
    {
        ["FOO"] = "/bar", ["EMPTY"] = "", ["str"] = "foobarbaz", ["string"] = "foobarbaz", ["SP"] = "a b", ["STAR"] = "a*b",
    };

    private static string W(string word, char escape = '\\') => new ShellWordExpander(escape).ProcessWord(word, Env);

    [Theory]
    [InlineData("$FOO", "/bar")]
    [InlineData("${FOO}", "/bar")]
    [InlineData("${FOO}_x", "/bar_x")]
    [InlineData("$FOO_x", "")]
    [InlineData("$UNSET", "")]
    [InlineData("a$", "a$")]
    [InlineData("$/x", "$/x")]
    [InlineData("\\$FOO", "$FOO")]
    [InlineData("\\${FOO}", "${FOO}")]
    [InlineData("'$FOO'", "$FOO")]
    [InlineData("\"$FOO\"", "/bar")]
    [InlineData("\"a \\\"q\\\" \\$x \\n\"", "a \"q\" $x \\n")]
    [InlineData("'a \\ b'", "a \\ b")]
    [InlineData("Rex\\ The\\ Dog", "Rex The Dog")]
    [InlineData("\"John Doe\"", "John Doe")]
    [InlineData("${UNSET:-word}", "word")]
    [InlineData("${EMPTY:-word}", "word")]
    [InlineData("${EMPTY-word}", "")]
    [InlineData("${UNSET-word}", "word")]
    [InlineData("${FOO:-word}", "/bar")]
    [InlineData("${FOO:+word}", "word")]
    [InlineData("${EMPTY:+word}", "")]
    [InlineData("${EMPTY+word}", "word")]
    [InlineData("${UNSET+word}", "")]
    [InlineData("${UNSET:-$FOO/x}", "/bar/x")]
    [InlineData("${UNSET:-'a b'}", "a b")]
    [InlineData("${FOO:?must be set}", "/bar")]
    [InlineData("$1 $@ $$", "  ")]
    public void ExpandsLikeBuildKit(string word, string expected) => Assert.Equal(expected, W(word));

    [Theory]
    // the reference's examples for the pattern operators
    [InlineData("${str#f*b}", "arbaz")]
    [InlineData("${str##f*b}", "az")]
    [InlineData("${string%b*}", "foobar")]
    [InlineData("${string%%b*}", "foo")]
    [InlineData("${string/ba/fo}", "fooforbaz")]
    [InlineData("${string//ba/fo}", "fooforfoz")]
    [InlineData("${string#x}", "foobarbaz")]
    [InlineData("${string/b?z/X}", "foobarX")]
    [InlineData("${STAR/\\*/x}", "axb")]
    public void PatternOperators(string word, string expected) => Assert.Equal(expected, W(word));

    [Fact]
    public void BacktickEscape()
    {
        Assert.Equal("$FOO", W("`$FOO", '`'));
        Assert.Equal("c:\\dir", W("c:\\dir", '`'));
        Assert.Equal("a\"b", W("\"a`\"b\"", '`'));
    }

    [Theory]
    [InlineData("${UNSET:?}", "UNSET: is not allowed to be unset")]
    [InlineData("${UNSET?}", "UNSET: is not allowed to be unset")]
    [InlineData("${EMPTY:?}", "EMPTY: is not allowed to be empty")]
    [InlineData("${UNSET:?need it}", "UNSET: need it")]
    [InlineData("${EMPTY?fine}", null)]
    [InlineData("${FOO", "missing '}'")]
    [InlineData("${}", "bad substitution")]
    [InlineData("${:-x}", "bad substitution")]
    [InlineData("${FOO:=x}", "unsupported modifier (:=) in substitution")]
    [InlineData("${FOO:#x}", "unsupported modifier (:#) in substitution")]
    [InlineData("'open", "matching single-quote")]
    [InlineData("\"open", "matching double-quote")]
    public void Errors(string word, string? message)
    {
        if (message is null) { Assert.Equal("", W(word)); return; }
        var e = Assert.ThrowsAny<PscException>(() => W(word));
        Assert.Equal(ErrorIds.DockerfileExpansion, e.ErrorId);
        Assert.Contains(message, e.Message);
    }

    [Fact]
    public void WordsSplitOnUnquotedWhitespaceAndSubstitutedValues()
    {
        var lex = new ShellWordExpander();
        Assert.Equal(["80", "443"], lex.ProcessWords("$PORTS", new Dictionary<string, string> { ["PORTS"] = "80 443" }));
        Assert.Equal(["a b", "c"], lex.ProcessWords("\"a b\" c", Env));
        Assert.Equal(["a", "b", "x"], lex.ProcessWords("$SP x", Env));
        Assert.Equal(["a b"], lex.ProcessWords("a\\ b", Env));
    }

    [Fact]
    public void RecordsTheVariablesUsed()
    {
        var used = new HashSet<string>();
        new ShellWordExpander().ProcessWord("$FOO ${UNSET:-x} ${EMPTY}", Env, used);
        Assert.Equal(["EMPTY", "FOO"], used.Order());
    }

    [Fact]
    public void ReferenceExampleInstructions()
    {
        // reference, "Environment replacement": WORKDIR ${FOO} -> /bar, ADD . $FOO -> /bar, COPY \$FOO /quux -> $FOO
        var f = DockerfileParser.Parse("FROM busybox\nENV FOO=/bar\nWORKDIR ${FOO}\nADD . $FOO\nCOPY \\$FOO /quux", "Dockerfile");
        var env = new Dictionary<string, string> { ["FOO"] = "/bar" };
        Assert.Equal("/bar", ((WorkdirInstruction)f.Instructions[2].Expand(env)).Path);
        var add = (AddInstruction)f.Instructions[3].Expand(env);
        Assert.Equal(["."], add.Sources);
        Assert.Equal("/bar", add.Destination);
        var copy = (CopyInstruction)f.Instructions[4].Expand(env);
        Assert.Equal(["$FOO"], copy.Sources);
        Assert.Equal("/quux", copy.Destination);
    }

    [Fact]
    public void WhichInstructionsExpand()
    {
        var f = DockerfileParser.Parse("""
            FROM a
            RUN echo $X
            CMD echo $X
            ENTRYPOINT ["$X"]
            ONBUILD RUN echo $X
            HEALTHCHECK CMD echo $X
            SHELL ["$X"]
            MAINTAINER $X
            EXPOSE $X
            VOLUME $X /q
            USER $X:$X
            STOPSIGNAL $X
            LABEL "k$X"="v $X"
            ENV a="$X y" b='$X'
            COPY --chown=$X --chmod=$X --exclude=$X $X ["/d$X/"]
            """, "Dockerfile");
        var env = new Dictionary<string, string> { ["X"] = "9" };
        foreach (var i in f.Instructions.Skip(1).Take(7))
        {
            Assert.False(i.ExpandsVariables, i.Keyword);
            Assert.Same(i, i.Expand(env));
        }
        Assert.Equal(["9"], ((ExposeInstruction)f.Instructions[8].Expand(env)).Ports);
        Assert.Equal(["9", "/q"], ((VolumeInstruction)f.Instructions[9].Expand(env)).Paths);
        Assert.Equal("9:9", ((UserInstruction)f.Instructions[10].Expand(env)).User);
        Assert.Equal("9", ((StopSignalInstruction)f.Instructions[11].Expand(env)).Signal);
        Assert.Equal(new DockerfileKeyValue("k9", "v 9"), ((LabelInstruction)f.Instructions[12].Expand(env)).Pairs[0]);
        var e = (EnvInstruction)f.Instructions[13].Expand(env);
        Assert.Equal([new("a", "9 y"), new DockerfileKeyValue("b", "$X")], e.Pairs);
        Assert.True(e.IsExpanded);
        Assert.Same(e, e.Expand(new Dictionary<string, string> { ["X"] = "other" }));
        var c = (CopyInstruction)f.Instructions[14].Expand(env);
        Assert.Equal("9", c.Chown);
        Assert.Equal("9", c.Chmod);
        Assert.Equal(["9"], c.Excludes);
        Assert.Equal(["9"], c.Sources);
        Assert.Equal("[/d9/]", c.Destination); // not JSON as a whole: a word whose quotes are removed
    }

    [Fact]
    public void RunMountsAndFromAreExpanded()
    {
        var f = DockerfileParser.Parse("ARG V=1\nFROM --platform=$P img:$V\nRUN --mount=type=cache,id=$V,target=/c echo $V", "Dockerfile");
        var env = new Dictionary<string, string> { ["V"] = "2", ["P"] = "linux/arm64" };
        var from = (FromInstruction)f.Instructions[1].Expand(env);
        Assert.Equal("img:2", from.BaseName);
        Assert.Equal("linux/arm64", from.Platform);
        var run = (RunInstruction)f.Instructions[2].Expand(env);
        Assert.Equal(["type=cache,id=2,target=/c"], run.Mounts);
        Assert.Equal("echo $V", run.CommandLine.ShellText);
    }

    [Fact]
    public void ExpansionErrorsCarryTheLocation()
    {
        var f = DockerfileParser.Parse("FROM a\n\nWORKDIR ${DIR:?set DIR}", "df");
        var e = Assert.ThrowsAny<PscException>(() => f.Instructions[1].Expand(new Dictionary<string, string>()));
        Assert.Equal(ErrorIds.DockerfileExpansion, e.ErrorId);
        Assert.Equal("df:3: DIR: set DIR", e.Message);
    }
}
