namespace PsContainers.Core.Build;

/// <summary>One build step as <see cref="ImageBuilder"/> reports it: before it runs (Cached unknown) and when it is done.</summary>
/// <param name="Number">The step's 1-based number among the steps that run (FROM lines included).</param>
/// <param name="Total">The number of steps of the stages the target needs.</param>
/// <param name="Stage">The stage's name, or its index as text.</param>
/// <param name="Instruction">The instruction as written ("RUN apk add x"), with its file:line in <paramref name="Location"/>.</param>
/// <param name="Location">"Dockerfile:12".</param>
/// <param name="Cached">True: reused from the build cache; false: ran; null: about to run.</param>
/// <param name="ImageId">The image the step produced; null before it is done (and for ARG, which changes no image).</param>
public sealed record BuildStepEvent(int Number, int Total, string Stage, string Instruction, string Location, bool? Cached, string? ImageId);
