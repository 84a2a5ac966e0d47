using Upsonic.Memory.Tool.Locations;
using Upsonic.Storage;

namespace Upsonic.Memory.Tool.Doctor;

/// <summary>Reads a store's schema version and indexes from the engine itself, per engine.</summary>
internal static class EngineInspector
{
    public static Task<IReadOnlyList<DoctorCheck>> InspectAsync(StorageLocation location, IStorage storage, CancellationToken cancellationToken) =>
        location.Kind switch
        {
            _ => Task.FromResult<IReadOnlyList<DoctorCheck>>([]),
        };
}
