// Provides std::ios_base_library_init(), which GCC 13's libstdc++ (GLIBCXX_3.4.32) added and TorchSharp's
// libLibTorchSharp.so references. Older libstdc++ (Debian 12: GLIBCXX_3.4.30) lacks it; everything else the
// library needs is there. The build links this shim in only where the system libstdc++ is too old
// (see TorchSharpNative.targets). The function only has to guarantee that the standard streams exist.
#include <ios>

namespace std {
void ios_base_library_init() { static ios_base::Init init; }
}
