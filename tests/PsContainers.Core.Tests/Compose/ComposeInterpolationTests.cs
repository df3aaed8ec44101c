using PsContainers.Core.Compose;

namespace PsContainers.Core.Tests.Compose;

/// <summary>
/// The interpolation grammar (compose-spec interpolation.md, compose-go template): each operator with the variable
/// set, unset and empty; nesting; <c>$$</c>; a trailing or lone <c>$</c>; the invalid forms.
/// </summary>
public class ComposeInterpolationTests
{
    private static readonly Dictionary<string, string> Env = new() { ["SET"] = "value", ["EMPTY"] = "", ["OTHER"] = "o", ["lower_1"] = "l" };

    private static string Sub(string text, List<string>? unset = null) =>
        ComposeInterpolation.Substitute(text, n => Env.TryGetValue(n, out var v) ? v : null, "compose.yaml:3 services.x.image", n => unset?.Add(n));

    [Theory]
    [InlineData("$SET", "value")]
    [InlineData("${SET}", "value")]
    [InlineData("a${SET}b", "avalueb")]
    [InlineData("$SET-x", "value-x")]
    [InlineData("$lower_1", "l")]
    [InlineData("${lower_1}", "l")]
    [InlineData("${SET:-d}", "value")]
    [InlineData("${EMPTY:-d}", "d")]
    [InlineData("${UNSET:-d}", "d")]
    [InlineData("${SET-d}", "value")]
    [InlineData("${EMPTY-d}", "")]
    [InlineData("${UNSET-d}", "d")]
    [InlineData("${SET:+alt}", "alt")]
    [InlineData("${EMPTY:+alt}", "")]
    [InlineData("${UNSET:+alt}", "")]
    [InlineData("${SET+alt}", "alt")]
    [InlineData("${EMPTY+alt}", "alt")]
    [InlineData("${UNSET+alt}", "")]
    [InlineData("${SET:?must}", "value")]
    [InlineData("${EMPTY?must}", "")]
    [InlineData("${A:-x-y}", "x-y")]
    [InlineData("${UNSET:-${OTHER}}", "o")]
    [InlineData("${UNSET:-${ALSO_UNSET:-deep}}", "deep")]
    [InlineData("${UNSET:-a${SET}b}", "avalueb")]
    [InlineData("${SET:+[${OTHER}]}", "[o]")]
    [InlineData("$$SET", "$SET")]
    [InlineData("$${SET}", "${SET}")]
    [InlineData("a$$", "a$")]
    [InlineData("cost 5$", "cost 5$")]
    [InlineData("$", "$")]
    [InlineData("$-x", "$-x")]
    [InlineData("$1", "$1")]
    [InlineData("no dollars", "no dollars")]
    [InlineData("${UNSET:-{braces}}", "{braces}")]
    public void Substitutes(string text, string expected) => Assert.Equal(expected, Sub(text));

    [Fact]
    public void ASubstitutedValueIsNotRescanned()
    {
        var env = new Dictionary<string, string> { ["A"] = "$B", ["B"] = "no" };
        Assert.Equal("$B", ComposeInterpolation.Substitute("${A}", n => env.GetValueOrDefault(n), "x"));
    }

    [Fact]
    public void TheWordOfAnUnusedOperatorIsNotEvaluated()
    {
        // the required variable in the default is never looked at, because SET is set
        Assert.Equal("value", Sub("${SET:-${MISSING:?never}}"));
    }

    [Fact]
    public void AnUnsetVariableWithoutOperatorIsEmptyAndReported()
    {
        var unset = new List<string>();
        Assert.Equal("a-b", Sub("a-${UNSET}b", unset));
        Assert.Equal(["UNSET"], unset);
        unset.Clear();
        Sub("${UNSET:-d} ${UNSET-d}", unset);
        Assert.Empty(unset);
    }

    [Theory]
    [InlineData("${UNSET:?is required}", "required variable UNSET is missing a value: is required")]
    [InlineData("${EMPTY:?is empty}", "required variable EMPTY is missing a value: is empty")]
    [InlineData("${UNSET?gone}", "required variable UNSET is missing a value: gone")]
    [InlineData("${UNSET:?}", "required variable UNSET is missing a value")]
    [InlineData("${UNSET:?need ${OTHER}}", "required variable UNSET is missing a value: need o")]
    public void RequiredVariablesFailWithTheirMessageAndPlace(string text, string message)
    {
        var e = Assert.Throws<InvalidArgumentException>(() => Sub(text));
        Assert.Equal(ErrorIds.InterpolationRequiredVariable, e.ErrorId);
        Assert.StartsWith("compose.yaml:3 services.x.image: ", e.Message);
        Assert.EndsWith(message, e.Message);
        Assert.Equal(text.Contains("EMPTY") ? "EMPTY" : "UNSET", e.Target);
    }

    [Theory]
    [InlineData("${}")]
    [InlineData("${1A}")]
    [InlineData("${A")]
    [InlineData("x ${A:-b")]
    [InlineData("${A B}")]
    [InlineData("${A!x}")]
    [InlineData("${A:x}")]
    [InlineData("${-x}")]
    public void InvalidFormatsAreErrors(string text)
    {
        var e = Assert.Throws<PscException>(() => Sub(text));
        Assert.Equal(ErrorIds.InterpolationInvalidFormat, e.ErrorId);
        Assert.Equal(PscErrorCategory.InvalidData, e.Category);
        Assert.StartsWith("compose.yaml:3 services.x.image: invalid interpolation format", e.Message);
        Assert.Contains("$$", e.Message);
    }
}
