using PsContainers.Core.Targets;

namespace PsContainers.Core.Tests.Targets;

/// <summary>
/// <see cref="Wildcard"/> against what PowerShell's WildcardPattern (IgnoreCase) answers for the same pattern and text
/// (the expected values were taken from pwsh 7; tests/Pester/Targets.Tests.ps1 compares the two live on a larger table).
/// </summary>
public class WildcardTests
{
    [Theory]
    [InlineData("web*", "web1", true)]
    [InlineData("web*", "WEB-frontend", true)]
    [InlineData("web*", "aweb", false)]
    [InlineData("*", "", true)]
    [InlineData("?", "", false)]
    [InlineData("w?b", "wEb", true)]
    [InlineData("w?b", "web1", false)]
    [InlineData("[a-c]x", "bx", true)]
    [InlineData("[a-c]x", "BX", true)]
    [InlineData("[a-c]x", "dx", false)]
    [InlineData("[abc]", "c", true)]
    [InlineData("[!a]", "!", true)]
    [InlineData("[!a]", "b", false)]
    [InlineData("[^a]", "^", true)]
    [InlineData("[]a]", "]", true)]
    [InlineData("[]a]", "a", true)]
    [InlineData("[a-]", "-", true)]
    [InlineData("[-a]", "-", true)]
    [InlineData("[-a]", "b", false)]
    [InlineData("a]", "a]", true)]
    [InlineData("a*]", "A]", true)]
    [InlineData("a`*", "a*", true)]
    [InlineData("a`*", "ab", false)]
    [InlineData("a`", "a`", true)]
    [InlineData("``", "`", true)]
    [InlineData("[a`]]", "]", true)]
    [InlineData(@"\d", @"\d", true)]
    [InlineData(@"\d", "1", false)]
    [InlineData("a.b", "axb", false)]
    [InlineData("a.b", "a.b", true)]
    [InlineData("(x|y)*", "(x|y)z", true)]
    [InlineData("a*b*c", "a-b-c", true)]
    [InlineData("a*b*c", "a-c-b", false)]
    [InlineData("line*", "line\nbreak", true)]
    public void MatchesAsPowerShellDoes(string pattern, string text, bool expected) =>
        Assert.Equal(expected, Wildcard.Parse(pattern).IsMatch(text));

    [Fact]
    public void CaseMattersWhenAsked()
    {
        Assert.False(Wildcard.Parse("Web*", ignoreCase: false).IsMatch("web1"));
        Assert.True(Wildcard.Parse("Web*", ignoreCase: false).IsMatch("Web1"));
        Assert.False(Wildcard.Parse("web").IsMatch(null));
    }

    [Theory]
    [InlineData("a*", true)]
    [InlineData("a?", true)]
    [InlineData("a[", true)]
    [InlineData("a]", true)]
    [InlineData("a`*", false)]
    [InlineData("a`[b`]", false)]
    [InlineData("a`", false)]
    [InlineData("busybox:latest", false)]
    [InlineData("sha256:abc", false)]
    [InlineData("", false)]
    [InlineData(null, false)]
    public void ContainsWildcardIsPowerShellsContainsWildcardCharacters(string? text, bool expected) =>
        Assert.Equal(expected, Wildcard.ContainsWildcard(text));

    [Theory]
    [InlineData("a`*", "a*")]
    [InlineData("a`[b`]", "a[b]")]
    [InlineData("plain", "plain")]
    [InlineData("a`", "a`")]
    public void UnescapeDropsTheBackticks(string text, string expected) => Assert.Equal(expected, Wildcard.Unescape(text));

    [Theory]
    [InlineData("a[")]
    [InlineData("[ab")]
    [InlineData("[z-a]")]
    [InlineData("[]")]
    public void AnInvalidPatternIsAnInvalidArgument(string pattern)
    {
        var ex = Assert.Throws<InvalidArgumentException>(() => Wildcard.Parse(pattern));
        Assert.Equal(ErrorIds.InvalidWildcardPattern, ex.ErrorId);
        Assert.Equal(pattern, ex.Target);
    }
}
