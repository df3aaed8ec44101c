using PsContainers.Core.Images;

namespace PsContainers.Core.Registry;

/// <summary>
/// What a name resolved to (<see cref="RegistriesConf.Resolve"/>): the references to try in order, and the alias
/// used (its target and the file that set it), if any.
/// </summary>
/// <param name="Input">The name as given.</param>
/// <param name="Candidates">Fully qualified references, tried in this order; never empty.</param>
/// <param name="Alias">The alias target when an <c>[aliases]</c> entry decided, else null.</param>
/// <param name="AliasSource">The file that set that alias, else null.</param>
public sealed record ShortNameResolution(string Input, IReadOnlyList<ImageReference> Candidates, string? Alias, string? AliasSource);
