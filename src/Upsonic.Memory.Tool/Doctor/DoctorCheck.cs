namespace Upsonic.Memory.Tool.Doctor;

/// <summary>One line of the <c>doctor</c> report.</summary>
/// <param name="Name">What was checked.</param>
/// <param name="Ok">Whether it is fine.</param>
/// <param name="Detail">What was found.</param>
internal sealed record DoctorCheck(string Name, bool Ok, string Detail);
