using System.Management.Automation;
using System.Text.RegularExpressions;

namespace PsContainers.Transformations;

/// <summary>
/// ValidatePattern with a sentence: a value that does not match <c>pattern</c> fails parameter binding with
/// "'value' is not <c>description</c>." instead of the raw regular expression ValidatePattern shows (issue: validation
/// errors read like sentences). Used for docker forms such as --cpuset-cpus lists and Kubernetes quantities.
/// </summary>
[AttributeUsage(AttributeTargets.Property | AttributeTargets.Field)]
public sealed class ValidateFormAttribute(string pattern, string description) : ValidateEnumeratedArgumentsAttribute
{
    private readonly Regex _pattern = new(pattern, RegexOptions.CultureInvariant);

    /// <summary>What a valid value is, as the tail of the error sentence ("a CPU list such as 0-2,4").</summary>
    public string Description { get; } = description;

    protected override void ValidateElement(object element)
    {
        string text = element?.ToString() ?? "";
        if (!_pattern.IsMatch(text))
            throw new ValidationMetadataException($"'{text}' is not {Description}.");
    }
}
