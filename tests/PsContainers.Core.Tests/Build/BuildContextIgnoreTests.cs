using PsContainers.Core.Build;

namespace PsContainers.Core.Tests.BuildFrontend;

/// <summary>.dockerignore matching: the reference's ".dockerignore file" examples and moby/patternmatcher's own table.</summary>
public sealed class BuildContextIgnoreTests
{
    [Theory]
    // reference: "# comment / */temp* / */*/temp* / temp?"
    [InlineData("somedir/temporary.txt", true)]
    [InlineData("somedir/temp", true)]
    [InlineData("somedir/temp/inside", true)]
    [InlineData("somedir/subdir/temporary.txt", true)]
    [InlineData("tempa", true)]
    [InlineData("tempb", true)]
    [InlineData("temp", false)]
    [InlineData("temporary.txt", false)]
    [InlineData("a/b/c/temp", false)]
    [InlineData("# comment", false)]
    public void ReferenceExample(string path, bool excluded)
    {
        var ignore = BuildContextIgnore.Parse("# comment\n*/temp*\n*/*/temp*\ntemp?\n");
        Assert.Equal(["*/temp*", "*/*/temp*", "temp?"], ignore.Patterns);
        Assert.Equal(excluded, ignore.IsExcluded(path));
    }

    [Fact]
    public void ExceptionsLastMatchWins()
    {
        // reference: "*.md / !README.md" keeps README.md only
        var a = BuildContextIgnore.Parse("*.md\n!README.md");
        Assert.True(a.IsExcluded("CHANGES.md"));
        Assert.False(a.IsExcluded("README.md"));
        // "*.md / !README*.md / README-secret.md": no md except README files other than README-secret.md
        var b = BuildContextIgnore.Parse("*.md\n!README*.md\nREADME-secret.md");
        Assert.False(b.IsExcluded("README-main.md"));
        Assert.True(b.IsExcluded("README-secret.md"));
        Assert.True(b.IsExcluded("other.md"));
        // "*.md / README-secret.md / !README*.md": every README file is included
        var c = BuildContextIgnore.Parse("*.md\nREADME-secret.md\n!README*.md");
        Assert.False(c.IsExcluded("README-secret.md"));
        Assert.True(c.HasExclusions);
    }

    [Fact]
    public void PatternsAreCleanedAndRootRelative()
    {
        var i = BuildContextIgnore.Parse("\uFEFF/abs\n./dot/\n a//b/../c \n  # not a comment\n\n!/keep/../kept");
        Assert.Equal(["abs", "dot", "a/c", "# not a comment", "!kept"], i.Patterns);
        Assert.True(i.IsExcluded("abs"));
        Assert.True(i.IsExcluded("dot/x"));
        Assert.True(i.IsExcluded("a/c/d"));
        Assert.True(i.IsExcluded("./abs"));
        Assert.False(i.IsExcluded("."));
        Assert.False(i.IsExcluded(""));
    }

    [Fact]
    public void DirectoryExcludedWithReincludedChild()
    {
        // patternmatcher: "docs" + "!docs/README.md"
        var i = BuildContextIgnore.Parse("docs\n!docs/README.md");
        Assert.True(i.IsExcluded("docs"));
        Assert.True(i.IsExcluded("docs/other.md"));
        Assert.False(i.IsExcluded("docs/README.md"));
        Assert.True(i.ShouldWalk("docs"));
        Assert.True(i.ShouldWalk("src"));
        // no exception under it: an excluded directory is not walked
        var j = BuildContextIgnore.Parse("node_modules\n!src/keep");
        Assert.False(j.ShouldWalk("node_modules"));
        Assert.False(j.ShouldWalk("node_modules/x"));
        // an exception starting with ** may match anywhere
        var k = BuildContextIgnore.Parse("build\n!**/keep.txt");
        Assert.True(k.ShouldWalk("build"));
        Assert.False(k.IsExcluded("build/sub/keep.txt"));
        Assert.True(k.IsExcluded("build/sub/other.txt"));
        // wildcards in the exception's directories
        var w = BuildContextIgnore.Parse("*\n!pkg*/src");
        Assert.True(w.ShouldWalk("pkg1"));
        Assert.False(w.ShouldWalk("lib"));
        Assert.False(w.IsExcluded("pkg1/src/a.go"));
        Assert.True(w.IsExcluded("pkg1/bin/a"));
    }

    [Theory]
    // moby/patternmatcher TestMatches (paths as a context walk gives them: cleaned, never "/")
    [InlineData("**", "file", true)]
    [InlineData("**/", "file", true)]
    [InlineData("**", "dir/file", true)]
    [InlineData("**/", "dir/file", true)]
    [InlineData("**/**", "dir/file", true)]
    [InlineData("dir/**", "dir/file", true)]
    [InlineData("dir/**", "dir/dir2/file", true)]
    [InlineData("**/dir", "dir", true)]
    [InlineData("**/dir", "dir/file", true)]
    [InlineData("**/dir2/*", "dir/dir2/file", true)]
    [InlineData("**/dir2/**", "dir/dir2/dir3/file", true)]
    [InlineData("**file", "file", true)]
    [InlineData("**file", "dir/file", true)]
    [InlineData("**/file", "dir/file", true)]
    [InlineData("**file", "dir/dir/file", true)]
    [InlineData("**/file", "dir/dir/file", true)]
    [InlineData("**/file*", "dir/dir/file", true)]
    [InlineData("**/file*", "dir/dir/file.txt", true)]
    [InlineData("**/file*txt", "dir/dir/file.txt", true)]
    [InlineData("**/file*.txt", "dir/dir/file.txt", true)]
    [InlineData("**/file*.txt*", "dir/dir/file.txt", true)]
    [InlineData("**/**/*.txt", "dir/dir/file.txt", true)]
    [InlineData("**/**/*.txt2", "dir/dir/file.txt", false)]
    [InlineData("**/*.txt", "file.txt", true)]
    [InlineData("**/**/*.txt", "file.txt", true)]
    [InlineData("a**/*.txt", "a/file.txt", true)]
    [InlineData("a**/*.txt", "a/dir/file.txt", true)]
    [InlineData("a**/*.txt", "a/dir/dir/file.txt", true)]
    [InlineData("a/*.txt", "a/dir/file.txt", false)]
    [InlineData("a/*.txt", "a/file.txt", true)]
    [InlineData("a/*.txt**", "a/file.txt", true)]
    [InlineData("a[b-d]e", "ae", false)]
    [InlineData("a[b-d]e", "ace", true)]
    [InlineData("a[b-d]e", "aae", false)]
    [InlineData("a[^b-d]e", "aze", true)]
    [InlineData("a[^b-d]e", "ace", false)]
    [InlineData(".*", ".foo", true)]
    [InlineData(".*", "foo", false)]
    [InlineData("abc.def", "abcdef", false)]
    [InlineData("abc.def", "abc.def", true)]
    [InlineData("abc.def", "abcZdef", false)]
    [InlineData("abc?def", "abcZdef", true)]
    [InlineData("abc?def", "abcdef", false)]
    [InlineData("a\\\\", "a\\", true)]
    [InlineData("**/foo/bar", "foo/bar", true)]
    [InlineData("**/foo/bar", "dir/foo/bar", true)]
    [InlineData("**/foo/bar", "dir/dir2/foo/bar", true)]
    [InlineData("abc/**", "abc", false)]
    [InlineData("abc/**", "abc/def", true)]
    [InlineData("abc/**", "abc/def/ghi", true)]
    [InlineData("**/.foo", ".foo", true)]
    [InlineData("**/.foo", "bar.foo", false)]
    [InlineData("a(b)c/def", "a(b)c/def", true)]
    [InlineData("a(b)c/def", "a(b)c/xyz", false)]
    [InlineData("a.|)$(}+{bc", "a.|)$(}+{bc", true)]
    [InlineData("dist/proxy.py-2.4.0rc3.dev36+g08acad9-py3-none-any.whl", "dist/proxy.py-2.4.0rc3.dev36+g08acad9-py3-none-any.whl", true)]
    [InlineData("dist/*.whl", "dist/proxy.py-2.4.0rc3.dev36+g08acad9-py3-none-any.whl", true)]
    [InlineData("a\\*b", "a*b", true)]
    [InlineData("a\\*b", "axb", false)]
    [InlineData("^a", "^a", true)]
    [InlineData("*", "x/y", true)]
    public void PatternMatcherTable(string pattern, string path, bool excluded) =>
        Assert.Equal(excluded, BuildContextIgnore.FromPatterns([pattern]).IsExcluded(path));

    [Theory]
    [InlineData("util/docker/web/foo", false, "**", "!util/docker/web")]
    [InlineData("util/docker/web/foo", true, "**", "!util/docker/web", "util/docker/web/foo")]
    [InlineData("dist/proxy.py-2.4.0rc3.dev36+g08acad9-py3-none-any.whl", false, "**", "!dist/proxy.py-2.4.0rc3.dev36+g08acad9-py3-none-any.whl")]
    [InlineData("dist/proxy.py-2.4.0rc3.dev36+g08acad9-py3-none-any.whl", false, "**", "!dist/*.whl")]
    [InlineData("fileutils.go", true, "!fileutils.go", "*.go")]
    [InlineData("fileutils.go", true, "*.go", "!fileutils.go", "fileutils.go")]
    [InlineData("docs/README.md", false, "docs/", "!docs/README.md")]
    [InlineData("docs/README.md", false, "docs/*", "!docs/README.md")]
    public void PatternMatcherMultiPattern(string path, bool excluded, params string[] patterns) =>
        Assert.Equal(excluded, BuildContextIgnore.FromPatterns(patterns).IsExcluded(path));

    [Theory]
    [InlineData("!", "illegal exclusion pattern")]
    [InlineData("[", "syntax error in pattern")]
    [InlineData("a[]b", "syntax error in pattern")]
    [InlineData("a[-z]", "syntax error in pattern")]
    [InlineData("a\\", "syntax error in pattern")]
    public void BadPatterns(string pattern, string message)
    {
        var e = Assert.ThrowsAny<PscException>(() => BuildContextIgnore.Parse("ok\n" + pattern, ".dockerignore"));
        Assert.Equal(ErrorIds.BuildIgnoreSyntax, e.ErrorId);
        Assert.StartsWith(".dockerignore:2: ", e.Message);
        Assert.Contains(message, e.Message);
    }

    [Fact]
    public void FindsTheIgnoreFileInOrder()
    {
        string dir = Directory.CreateTempSubdirectory("psc-ignore-").FullName;
        try
        {
            string df = Path.Combine(dir, "build", "app.Dockerfile");
            Directory.CreateDirectory(Path.GetDirectoryName(df)!);
            File.WriteAllText(df, "FROM a");
            Assert.Null(BuildContextIgnore.FindIgnoreFile(dir, df));
            Assert.Same(BuildContextIgnore.Empty, BuildContextIgnore.Load(dir, df).Ignore);
            File.WriteAllText(Path.Combine(dir, ".dockerignore"), "docker");
            Assert.Equal(Path.Combine(dir, ".dockerignore"), BuildContextIgnore.FindIgnoreFile(dir, df));
            File.WriteAllText(Path.Combine(dir, ".containerignore"), "container");
            Assert.Equal(Path.Combine(dir, ".containerignore"), BuildContextIgnore.FindIgnoreFile(dir, df));
            File.WriteAllText(df + ".containerignore", "perfile-container");
            Assert.Equal(df + ".containerignore", BuildContextIgnore.FindIgnoreFile(dir, df));
            File.WriteAllText(df + ".dockerignore", "perfile");
            var (ignore, file) = BuildContextIgnore.Load(dir, df);
            Assert.Equal(df + ".dockerignore", file);
            Assert.Equal(["perfile"], ignore.Patterns);
            // a symbolic link is not followed
            File.Delete(df + ".dockerignore");
            File.CreateSymbolicLink(df + ".dockerignore", Path.Combine(dir, ".dockerignore"));
            Assert.Equal(df + ".containerignore", BuildContextIgnore.FindIgnoreFile(dir, df));
        }
        finally { Directory.Delete(dir, true); }
    }
}
