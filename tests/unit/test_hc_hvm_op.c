// SPDX-License-Identifier: GPL-2.0-only
/*
 * Unit tests of hvm_op set_param / get_param: what a guest may set and
 * read of its own parameters, a privileged domain acting on another, and
 * every error: bad indices, unknown or foreign domains, bad buffers (on the
 * way in and on the way back), unknown sub-ops; set_evtchn_upcall_vector
 * and the vector the scheduler then injects.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include "test_hc_fixture.h"
#include "hv/evtchn.h"

static int setup(void **state)
{
    (void)state;
    fx_machine();
    return 0;
}

static int64_t param(struct vcpu *v, uint64_t op, domid_t dom, uint32_t index, uint64_t value,
                     uint64_t *out)
{
    struct xen_hvm_param a = { .domid = dom, .pad = 0x5A5A, .index = index, .value = value };
    int64_t rc;

    fx_put(v, 4, 200, &a, sizeof(a));
    rc = FX_CALL2(v, HYPERVISOR_hvm_op, op, fx_addr(v, 4, 200));
    assert_true(fx_declared(HYPERVISOR_hvm_op, rc));
    fx_get(v, 4, 200, &a, sizeof(a));
    assert_int_equal(a.domid, dom);
    assert_int_equal(a.index, index);
    if (out != NULL)
        *out = a.value;
    return rc;
}

#define SET(v, dom, i, val) param((v), HVMOP_set_param, (dom), (i), (val), NULL)
#define GET(v, dom, i, out) param((v), HVMOP_get_param, (dom), (i), 0xFEEDULL, (out))

static void test_guest_sets_callback_and_channels(void **state)
{
    const uint64_t cb = (HVM_PARAM_CALLBACK_TYPE_VECTOR << HVM_PARAM_CALLBACK_TYPE_SHIFT) | 0xF3;
    struct vcpu *v;
    uint64_t x;
    (void)state;

    for (int m = 0; m < 2; m++) {
        fx_machine();
        v = fx_domain(FX_DOMU, 0, m == 0 ? FX_LONG : FX_FLAT32);
        assert_int_equal(SET(v, DOMID_SELF, HVM_PARAM_CALLBACK_IRQ, cb), 0);
        assert_int_equal(v->domain->guest.hvm_params[HVM_PARAM_CALLBACK_IRQ], cb);
        assert_int_equal(SET(v, FX_DOMU, HVM_PARAM_STORE_EVTCHN, 5), 0);
        assert_int_equal(SET(v, DOMID_SELF, HVM_PARAM_CONSOLE_EVTCHN, 6), 0);
        assert_int_equal(GET(v, DOMID_SELF, HVM_PARAM_CALLBACK_IRQ, &x), 0);
        assert_int_equal(x, cb);
        assert_int_equal(GET(v, FX_DOMU, HVM_PARAM_STORE_EVTCHN, &x), 0);
        assert_int_equal(x, 5);
        assert_int_equal(GET(v, DOMID_SELF, HVM_PARAM_CONSOLE_EVTCHN, &x), 0);
        assert_int_equal(x, 6);
    }
}

/* The builder's parameters: readable, not writable by the guest. */
static void test_builder_params_read_only(void **state)
{
    static const uint32_t ro[] = { HVM_PARAM_STORE_PFN, HVM_PARAM_CONSOLE_PFN, HVM_PARAM_VM86_TSS,
                                   HVM_PARAM_VM86_TSS_SIZED, HVM_PARAM_ACPI_IOPORTS_LOCATION,
                                   HVM_PARAM_VM_GENERATION_ID_ADDR, HVM_PARAM_ALTP2M,
                                   HVM_PARAM_X87_FIP_WIDTH };
    struct vcpu *v;
    uint64_t x;
    (void)state;

    v = fx_domain(FX_DOMU, 0, FX_LONG);
    for (size_t i = 0; i < HV_ARRAY_SIZE(ro); i++) {
        v->domain->guest.hvm_params[ro[i]] = 0x1000 + i;
        assert_int_equal(SET(v, DOMID_SELF, ro[i], 1), -XEN_EPERM);
        assert_int_equal(v->domain->guest.hvm_params[ro[i]], 0x1000 + i);
        assert_int_equal(GET(v, DOMID_SELF, ro[i], &x), 0);
        assert_int_equal(x, 0x1000 + i);
    }
}

/* Everything else is the toolstack's: neither readable nor writable by the guest. */
static void test_private_params(void **state)
{
    struct vcpu *v;
    uint64_t x;
    (void)state;

    v = fx_domain(FX_DOMU, 0, FX_LONG);
    v->domain->guest.hvm_params[HVM_PARAM_IOREQ_PFN] = 0x77;
    assert_int_equal(GET(v, DOMID_SELF, HVM_PARAM_IOREQ_PFN, &x), -XEN_EPERM);
    assert_int_equal(x, 0xFEED);                  /* not written back */
    assert_int_equal(SET(v, DOMID_SELF, HVM_PARAM_IOREQ_PFN, 1), -XEN_EPERM);
    for (uint32_t i = 0; i < HVM_NR_PARAMS; i++) {
        bool ok = SET(v, DOMID_SELF, i, i) == 0;

        assert_int_equal(ok, i == HVM_PARAM_CALLBACK_IRQ || i == HVM_PARAM_STORE_EVTCHN ||
                                 i == HVM_PARAM_CONSOLE_EVTCHN);
    }
}

static void test_bad_index(void **state)
{
    struct vcpu *v, *z;
    uint64_t x;
    (void)state;

    v = fx_domain(FX_DOMU, 0, FX_LONG);
    z = fx_domain(FX_DOM0, SIF_PRIVILEGED | SIF_INITDOMAIN, FX_LONG);
    assert_int_equal(SET(v, DOMID_SELF, HVM_NR_PARAMS, 1), -XEN_EINVAL);
    assert_int_equal(GET(v, DOMID_SELF, HVM_NR_PARAMS, &x), -XEN_EINVAL);
    assert_int_equal(SET(z, FX_DOMU, 0xFFFFFFFF, 1), -XEN_EINVAL);
    assert_int_equal(GET(z, FX_DOMU, 0x80000000, &x), -XEN_EINVAL);
    /* get checks the index before the domain, set after it (as Xen). */
    assert_int_equal(GET(v, 9, HVM_NR_PARAMS, &x), -XEN_EINVAL);
    assert_int_equal(SET(v, 9, HVM_NR_PARAMS, 1), -XEN_ESRCH);
}

static void test_foreign_domains(void **state)
{
    struct vcpu *u, *z;
    uint64_t x;
    (void)state;

    z = fx_domain(FX_DOM0, SIF_PRIVILEGED | SIF_INITDOMAIN, FX_LONG);
    u = fx_domain(FX_DOMU, 0, FX_FLAT32);
    /* A domU cannot touch dom0's parameters, nor find missing domains. */
    assert_int_equal(SET(u, FX_DOM0, HVM_PARAM_CALLBACK_IRQ, 1), -XEN_EPERM);
    assert_int_equal(GET(u, FX_DOM0, HVM_PARAM_CALLBACK_IRQ, &x), -XEN_EPERM);
    assert_int_equal(SET(u, 5, HVM_PARAM_CALLBACK_IRQ, 1), -XEN_ESRCH);
    /* Xen's orders: set checks the domain, the index, then the right; get the index first. */
    assert_int_equal(SET(u, FX_DOM0, HVM_NR_PARAMS, 1), -XEN_EINVAL);
    assert_int_equal(SET(u, 5, HVM_NR_PARAMS, 1), -XEN_ESRCH);
    assert_int_equal(GET(u, FX_DOM0, HVM_NR_PARAMS, &x), -XEN_EINVAL);
    assert_int_equal(GET(u, 5, HVM_NR_PARAMS, &x), -XEN_EINVAL);
    assert_int_equal(GET(u, DOMID_XEN, HVM_PARAM_CALLBACK_IRQ, &x), -XEN_ESRCH);
    /* The privileged domain sets any parameter of another domain (a toolstack). */
    assert_int_equal(SET(z, FX_DOMU, HVM_PARAM_STORE_PFN, 0xFEFFF), 0);
    assert_int_equal(u->domain->guest.hvm_params[HVM_PARAM_STORE_PFN], 0xFEFFF);
    assert_int_equal(GET(z, FX_DOMU, HVM_PARAM_IOREQ_PFN, &x), 0);
    assert_int_equal(GET(u, DOMID_SELF, HVM_PARAM_STORE_PFN, &x), 0);
    assert_int_equal(x, 0xFEFFF);
    /* ...but its own private ones only as a guest. */
    assert_int_equal(SET(z, DOMID_SELF, HVM_PARAM_STORE_PFN, 1), -XEN_EPERM);
    assert_int_equal(z->domain->guest.hvm_params[HVM_PARAM_STORE_PFN], 0);
}

static void test_bad_buffers(void **state)
{
    struct xen_hvm_param a = { .domid = DOMID_SELF, .index = HVM_PARAM_STORE_PFN, .value = 3 };
    struct vcpu *v;
    uint8_t raw[sizeof(a)];
    (void)state;

    v = fx_domain(FX_DOMU, 0, FX_LONG);
    for (uint64_t op = HVMOP_set_param; op <= HVMOP_get_param; op++) {
        assert_int_equal(FX_CALL2(v, HYPERVISOR_hvm_op, op, fx_addr(v, FX_HOLE, 0)), -XEN_EFAULT);
        assert_int_equal(FX_CALL2(v, HYPERVISOR_hvm_op, op, fx_addr(v, FX_HOLE, 0) - 8),
                         -XEN_EFAULT);
        assert_int_equal(FX_CALL2(v, HYPERVISOR_hvm_op, op, 0xFFFFFFFFFFFFFFF8ULL), -XEN_EFAULT);
    }
    /* The answer cannot be written back: -EFAULT, the page unchanged. */
    v->domain->guest.hvm_params[HVM_PARAM_STORE_PFN] = 0x99;
    fx_put(v, FX_RO, 16, &a, sizeof(a));
    assert_int_equal(FX_CALL2(v, HYPERVISOR_hvm_op, HVMOP_get_param, fx_addr(v, FX_RO, 16)),
                     -XEN_EFAULT);
    fx_get(v, FX_RO, 16, raw, sizeof(raw));
    assert_memory_equal(raw, &a, sizeof(a));
}

static void test_unknown_ops(void **state)
{
    static const uint64_t ops[] = { 2, 9, 10, 0xFF,
                                    0x100 | HVMOP_get_param, ~0ULL };
    struct vcpu *v;
    (void)state;

    v = fx_domain(FX_DOMU, 0, FX_LONG);
    for (size_t i = 0; i < HV_ARRAY_SIZE(ops); i++)
        assert_int_equal(FX_CALL2(v, HYPERVISOR_hvm_op, ops[i], fx_addr(v, 4, 0)), -XEN_ENOSYS);
}

static int64_t upcall_vector(struct vcpu *v, uint32_t vcpu, uint8_t vector)
{
    struct xen_hvm_evtchn_upcall_vector a = { .vcpu = vcpu, .vector = vector };
    int64_t rc;

    fx_put(v, 4, 300, &a, sizeof(a));
    rc = FX_CALL2(v, HYPERVISOR_hvm_op, HVMOP_set_evtchn_upcall_vector, fx_addr(v, 4, 300));
    assert_true(fx_declared(HYPERVISOR_hvm_op, rc));
    return rc;
}

static void test_upcall_vector(void **state)
{
    struct vcpu *v;
    uint8_t vec = 0;
    mfn_t m;
    (void)state;

    evtchn_reset();
    v = fx_domain(FX_DOMU, 0, FX_LONG);
    evtchn_domain_init(v->domain);
    assert_int_equal(domain_alloc_ram(FX_DOMU, 0, &m), 0);
    v->domain->guest.shared_info_mfn = m;
    guest_time_shared_info_init(v->domain);
    assert_int_equal(upcall_vector(v, 0, 0x0F), -XEN_EINVAL);
    assert_int_equal(upcall_vector(v, 0, 0), -XEN_EINVAL);
    assert_int_equal(upcall_vector(v, 1, 0xF3), -XEN_ENOENT);
    assert_int_equal(upcall_vector(v, 0xFFFFFFFF, 0xF3), -XEN_ENOENT);
    assert_int_equal(evtchn_table[evtchn_slot(v->domain)].upcall_vector[0], 0);
    assert_int_equal(FX_CALL2(v, HYPERVISOR_hvm_op, HVMOP_set_evtchn_upcall_vector,
                              fx_addr(v, FX_HOLE, 0) - 4), -XEN_EFAULT);
    assert_int_equal(upcall_vector(v, 0, 0x10), 0);
    assert_int_equal(upcall_vector(v, 0, 0xE5), 0);
    assert_int_equal(evtchn_table[evtchn_slot(v->domain)].upcall_vector[0], 0xE5);
    /* The scheduler injects it once an upcall is pending. */
    assert_false(evtchn_upcall_vector(v, &vec));
    ((struct shared_info *)sim_frame(m))->vcpu_info[0].evtchn_upcall_pending = 1;
    assert_true(evtchn_upcall_vector(v, &vec));
    assert_int_equal(vec, 0xE5);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup(test_guest_sets_callback_and_channels, setup),
        cmocka_unit_test_setup(test_builder_params_read_only, setup),
        cmocka_unit_test_setup(test_private_params, setup),
        cmocka_unit_test_setup(test_bad_index, setup),
        cmocka_unit_test_setup(test_foreign_domains, setup),
        cmocka_unit_test_setup(test_bad_buffers, setup),
        cmocka_unit_test_setup(test_unknown_ops, setup),
        cmocka_unit_test_setup(test_upcall_vector, setup),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
