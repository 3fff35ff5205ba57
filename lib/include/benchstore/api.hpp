#pragma once
// BENCHSTORE_API marks what libbenchstore.so exports.
//
// The library is compiled with hidden visibility (-fvisibility=hidden -fvisibility-inlines-hidden),
// so only what carries this mark enters its dynamic symbol table: the classes and free functions of
// the public headers in this folder. The internals (benchstore::export_, ::sync_, ::runner, ::monitor,
// ::store) stay private, so programs cannot come to depend on them and they can change without
// breaking programs linked against the library.
//
// Mark every class and every non-inline free function a public header declares. Classes are marked
// as a whole (`class BENCHSTORE_API Error`), so their members, vtables and type_info are exported:
// an exception thrown inside the library is caught by its type in the program. Plain structs and
// enums without out-of-line member functions need no mark (they have no symbols of their own).
#define BENCHSTORE_API __attribute__((visibility("default")))
