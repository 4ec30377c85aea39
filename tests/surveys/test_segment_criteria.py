"""The messaging segments' criterion surveys registers: the beneficiaries of chosen
programmes, those who answered or were invited to a programme's beneficiary survey."""

import pytest

from messaging.forms import SegmentForm
from messaging.segments import criteria, segment_customers
from programmes.models import Programme, ProgrammeCategory
from surveys import services
from tests.surveys.helpers import collecting_round, customer, full_answers, invitation_for

pytestmark = pytest.mark.django_db


def _programme(code, name):
    category = ProgrammeCategory.objects.get_or_create(name="اجتماعي")[0]
    return Programme.objects.create(code=code, name=name, category=category)


def test_the_beneficiaries_of_a_programme_are_those_who_answered_or_were_invited():
    summer, winter = _programme("P-S", "صيف الحي"), _programme("P-W", "شتاء دافئ")
    summer_round = collecting_round(programme=summer, activity_name="")
    winter_round = collecting_round(programme=winter, activity_name="")
    invited = customer("مدعوة", mobile="+966501110001")
    answered = customer("مجيب", mobile="+966501110002")
    elsewhere = customer("في برنامج آخر", mobile="+966501110003")
    customer("لم يشارك", mobile="+966501110004")
    invitation_for(summer_round, invited)
    services.response_submit(
        survey_round=summer_round,
        channel="invitation",
        values=full_answers(summer_round),
        invitation=invitation_for(summer_round, answered),
    )
    invitation_for(winter_round, elsewhere)

    assert "beneficiaries_of" in [criterion.key for criterion in criteria()]
    assert set(segment_customers({"beneficiaries_of": [summer.pk]})) == {invited, answered}
    assert set(segment_customers({"beneficiaries_of": [summer.pk, winter.pk]})) == {
        invited,
        answered,
        elsewhere,
    }


def test_the_segment_form_offers_the_programmes_and_keeps_the_choice():
    summer = _programme("P-S", "صيف الحي")
    form = SegmentForm(data={"name": "مستفيدو الصيف", "beneficiaries_of": [str(summer.pk)]})
    assert form.is_valid(), form.errors
    assert form.criteria_json()["beneficiaries_of"] == [summer.pk]
