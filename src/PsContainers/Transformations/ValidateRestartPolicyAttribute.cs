using System.Management.Automation;
using PsContainers.Contract;

namespace PsContainers.Transformations;

/// <summary>
/// Accepts docker's restart policies (docker run --restart): no, always, unless-stopped, on-failure or
/// on-failure:N (N a count of retries, digits only), in those exact lower-case words, through the one grammar
/// (<see cref="RestartPolicy.TryParse"/>); blank or blank-padded text is refused here although the grammar reads it as
/// "no". Anything else fails parameter binding with a sentence that names the forms (ValidatePattern would show its
/// regular expression).
/// </summary>
public sealed class ValidateRestartPolicyAttribute : ValidateEnumeratedArgumentsAttribute
{
    protected override void ValidateElement(object element)
    {
        string text = element?.ToString() ?? "";
        if (text.Length == 0 || text.Trim().Length != text.Length || !RestartPolicy.TryParse(text, out _))
            throw new ValidationMetadataException(
                $"'{text}' is not a restart policy. Use no, always, unless-stopped, on-failure, or on-failure:N to retry at most N times.");
    }
}
