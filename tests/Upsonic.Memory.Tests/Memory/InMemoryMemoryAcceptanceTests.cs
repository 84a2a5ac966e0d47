using Upsonic.Memory.Tests.Storage;
using Upsonic.Testing.MemoryAcceptance;

namespace Upsonic.Memory.Tests.Memory;

// The shared Memory acceptance suites, run against InMemoryStorage.
public sealed class InMemoryPrepareTests : MemoryPrepareAcceptance<InMemoryTarget>;
