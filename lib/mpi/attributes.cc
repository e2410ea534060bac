// attributes.cc — keyvals and attributes on communicators (MPI-2 names and the deprecated MPI-1
// ones), and the predefined callbacks. MPI_Comm_get_attr is in comm_query.cc with the
// predefined keys; the copy and delete machinery is lib/attributes.cc.
#include "lib/attributes.hpp"

#include <mpi.h>

#include "checks.hpp"
#include "lib/handles.hpp"
#include "runtime/library_entry.hpp"

using namespace mosix::lib;

namespace {

int create_keyval(MPI_Comm_copy_attr_function* copy, MPI_Comm_delete_attr_function* del, int* keyval,
                  void* extra_state, const char* call) {
    if (int e = check_initialized(call)) return e;
    MOSIX_CHECK(keyval, MPI_COMM_WORLD, MPI_ERR_ARG, call, "keyval is NULL");
    RankState& s = self_state();
    std::size_t i = 0;
    while (i < s.keyvals.size() && (s.keyvals[i].live || s.keyvals[i].uses > 0)) ++i;
    if (i == s.keyvals.size()) s.keyvals.emplace_back();
    s.keyvals[i] = Keyval{true, 0, copy, del, extra_state};
    *keyval = make_handle(HandleKind::keyval, static_cast<int>(i));
    return MPI_SUCCESS;
}

bool predefined_key(int keyval) {
    return keyval == MPI_TAG_UB || keyval == MPI_HOST || keyval == MPI_IO || keyval == MPI_WTIME_IS_GLOBAL ||
           keyval == MPI_LASTUSEDCODE || keyval == MPI_UNIVERSE_SIZE;
}

int free_keyval(int* keyval, const char* call) {
    if (int e = check_initialized(call)) return e;
    MOSIX_CHECK(keyval, MPI_COMM_WORLD, MPI_ERR_ARG, call, "keyval is NULL");
    MOSIX_CHECK(!predefined_key(*keyval), MPI_COMM_WORLD, MPI_ERR_KEYVAL, call,
                "keyval %#x is predefined and cannot be freed", *keyval);
    Keyval* k = keyval_get(*keyval);
    MOSIX_CHECK(k, MPI_COMM_WORLD, MPI_ERR_KEYVAL, call, "keyval %#x is not a valid keyval", *keyval);
    k->live = false;  // the attributes set under it stay until deleted
    *keyval = MPI_KEYVAL_INVALID;
    return MPI_SUCCESS;
}

Attribute* find(Comm& c, int keyval) {
    for (Attribute& a : c.attributes)
        if (a.keyval == keyval) return &a;
    return nullptr;
}

int check_user_key(MPI_Comm comm, int keyval, const char* call) {
    MOSIX_CHECK(!predefined_key(keyval), comm, MPI_ERR_KEYVAL, call,
                "keyval %#x is predefined: its attribute cannot be changed", keyval);
    MOSIX_CHECK(keyval_get(keyval), comm, MPI_ERR_KEYVAL, call, "keyval %#x is not a valid keyval", keyval);
    return MPI_SUCCESS;
}

int set_attr(MPI_Comm comm, int keyval, void* value, const char* call) {
    Comm* c = nullptr;
    if (int e = check_comm(comm, call, &c)) return e;
    if (int e = check_user_key(comm, keyval, call)) return e;
    if (Attribute* old = find(*c, keyval)) {
        Attribute was = *old;
        if (int rc = attribute_delete(comm, was))
            return raise_error(comm, rc, call, "the delete callback of the old value failed with %d", rc);
        c = comm_get(comm);  // the callback may have changed the table
        if ((old = find(*c, keyval))) {
            old->value = value;
            ++keyval_get(keyval)->uses;
            return MPI_SUCCESS;
        }
    }
    c->attributes.push_back({keyval, value});
    ++keyval_get(keyval)->uses;
    return MPI_SUCCESS;
}

int delete_attr(MPI_Comm comm, int keyval, const char* call) {
    Comm* c = nullptr;
    if (int e = check_comm(comm, call, &c)) return e;
    if (int e = check_user_key(comm, keyval, call)) return e;
    Attribute* a = find(*c, keyval);
    if (!a) return MPI_SUCCESS;  // nothing set: nothing to delete (as MPICH)
    Attribute was = *a;
    if (int rc = attribute_delete(comm, was))
        return raise_error(comm, rc, call, "the delete callback failed with %d", rc);
    c = comm_get(comm);
    if ((a = find(*c, keyval))) c->attributes.erase(c->attributes.begin() + (a - c->attributes.data()));
    return MPI_SUCCESS;
}

}  // namespace

extern "C" {

int mosix_comm_null_copy_fn(MPI_Comm, int, void*, void*, void*, int* flag) {
    *flag = 0;
    return MPI_SUCCESS;
}

int mosix_comm_dup_fn(MPI_Comm, int, void*, void* attribute_val_in, void* attribute_val_out, int* flag) {
    *static_cast<void**>(attribute_val_out) = attribute_val_in;
    *flag = 1;
    return MPI_SUCCESS;
}

int mosix_comm_null_delete_fn(MPI_Comm, int, void*, void*) { return MPI_SUCCESS; }

int MPI_Comm_create_keyval(MPI_Comm_copy_attr_function* copy, MPI_Comm_delete_attr_function* del, int* keyval,
                           void* extra_state) {
    MOSIX_LIBRARY_ENTRY();
    return create_keyval(copy, del, keyval, extra_state, "MPI_Comm_create_keyval");
}

int MPI_Keyval_create(MPI_Copy_function* copy, MPI_Delete_function* del, int* keyval, void* extra_state) {
    MOSIX_LIBRARY_ENTRY();
    return create_keyval(copy, del, keyval, extra_state, "MPI_Keyval_create");
}

int MPI_Comm_free_keyval(int* keyval) {
    MOSIX_LIBRARY_ENTRY();
    return free_keyval(keyval, "MPI_Comm_free_keyval");
}

int MPI_Keyval_free(int* keyval) {
    MOSIX_LIBRARY_ENTRY();
    return free_keyval(keyval, "MPI_Keyval_free");
}

int MPI_Comm_set_attr(MPI_Comm comm, int keyval, void* value) {
    MOSIX_LIBRARY_ENTRY();
    return set_attr(comm, keyval, value, "MPI_Comm_set_attr");
}

int MPI_Attr_put(MPI_Comm comm, int keyval, void* value) {
    MOSIX_LIBRARY_ENTRY();
    return set_attr(comm, keyval, value, "MPI_Attr_put");
}

int MPI_Attr_get(MPI_Comm comm, int keyval, void* value, int* flag) {
    MOSIX_LIBRARY_ENTRY();
    return comm_get_attr(comm, keyval, value, flag, "MPI_Attr_get");
}

int MPI_Comm_delete_attr(MPI_Comm comm, int keyval) {
    MOSIX_LIBRARY_ENTRY();
    return delete_attr(comm, keyval, "MPI_Comm_delete_attr");
}

int MPI_Attr_delete(MPI_Comm comm, int keyval) {
    MOSIX_LIBRARY_ENTRY();
    return delete_attr(comm, keyval, "MPI_Attr_delete");
}

}  // extern "C"
