using System.Management.Automation;
using System.Text.RegularExpressions;

namespace PsContainers.Transformations;

/// <summary>
/// Accepts docker's restart policies (docker run --restart): no, always, unless-stopped, on-failure or
/// on-failure:N (N a count of retries, digits only), in those exact lower-case words; anything else fails parameter
/// binding with a sentence that names the forms (ValidatePattern would show its regular expression).
/// </summary>
public sealed partial class ValidateRestartPolicyAttribute : ValidateEnumeratedArgumentsAttribute
{
    [GeneratedRegex("^(no|always|unless-stopped|on-failure(:[0-9]+)?)$")]
    private static partial Regex Policy();

    protected override void ValidateElement(object element)
    {
        string text = element?.ToString() ?? "";
        if (!Policy().IsMatch(text))
            throw new ValidationMetadataException(
                $"'{text}' is not a restart policy. Use no, always, unless-stopped, on-failure, or on-failure:N to retry at most N times.");
    }
}
